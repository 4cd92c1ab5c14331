import { describe, expect, it } from 'vitest';
import { chooseBackend, NoBackendError, type AdapterSummary, type BackendName, type BackendProbe } from './backendChoice';

const swiftshader: AdapterSummary = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true };
const hardware: AdapterSummary = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'RTX 3060', isFallbackAdapter: false };

function probe(backend: BackendName, gflops: number | null, extra: Partial<BackendProbe> = {}): BackendProbe {
  return { backend, ok: gflops !== null, gflops, elapsedMs: 100, ...(gflops === null ? { error: 'no adapter' } : {}), ...extra };
}

describe('chooseBackend', () => {
  it('never picks a software WebGPU adapter when wasm is faster (this machine: ~0.4 vs ~18 GFLOP/s)', () => {
    const choice = chooseBackend([probe('webgpu', 0.4, { adapter: swiftshader }), probe('webgl', 2), probe('wasm', 18), probe('cpu', 0.6)]);
    expect(choice.backend).toBe('wasm');
    expect(choice.source).toBe('measured');
    expect(choice.reason).toContain('45× webgpu 0.40 GFLOP/s (software adapter google)');
  });

  it('picks a hardware WebGPU adapter that is faster than wasm', () => {
    const choice = chooseBackend([probe('webgpu', 250, { adapter: hardware }), probe('webgl', 120), probe('wasm', 18), probe('cpu', 0.6)]);
    expect(choice.backend).toBe('webgpu');
    expect(choice.reason).toContain('hardware adapter RTX 3060');
  });

  it('breaks near-ties toward the GPU, and otherwise follows the numbers', () => {
    expect(chooseBackend([probe('wasm', 20), probe('webgpu', 19, { adapter: hardware })]).backend).toBe('webgpu');
    expect(chooseBackend([probe('wasm', 20), probe('webgpu', 15, { adapter: hardware })]).backend).toBe('wasm');
    expect(chooseBackend([probe('cpu', 1), probe('webgl', 0.5)]).backend).toBe('cpu');
  });

  it('treats an upper bound from a missed deadline as a bound, and says so', () => {
    const choice = chooseBackend([probe('wasm', 9), probe('webgpu', 0.07, { adapter: swiftshader, gflopsIsUpperBound: true })]);
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toContain('> 129× webgpu < 0.07 GFLOP/s');
  });

  it('ignores failed backends', () => {
    const choice = chooseBackend([probe('webgpu', null), probe('webgl', null), probe('wasm', 12), probe('cpu', 0.5)]);
    expect(choice.backend).toBe('wasm');
  });

  it('honours an override that works, naming the faster alternative', () => {
    const choice = chooseBackend([probe('wasm', 18), probe('cpu', 0.6)], 'cpu');
    expect(choice).toMatchObject({ backend: 'cpu', source: 'override' });
    expect(choice.reason).toContain('the fastest measured was wasm');
  });

  it('falls back to the measured choice when the override cannot start', () => {
    const choice = chooseBackend([probe('webgpu', null), probe('wasm', 18)], 'webgpu');
    expect(choice).toMatchObject({ backend: 'wasm', source: 'fallback' });
    expect(choice.reason).toContain('Settings asked for webgpu, but no adapter');
  });

  it('throws a clear error when nothing works', () => {
    expect(() => chooseBackend([probe('webgpu', null), probe('cpu', null)])).toThrow(NoBackendError);
    expect(() => chooseBackend([])).toThrow(/No TensorFlow.js backend could start/);
  });
});
