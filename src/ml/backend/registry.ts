// The only module that imports TensorFlow.js backend packages (issue #2). Backends are loaded
// lazily so a session pays only for what it probes and uses.
import * as tf from '@tensorflow/tfjs-core';
// Gradient functions are not part of tfjs-core's default import; training needs them everywhere.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { AdapterSummary, BackendName } from '../../core/backendChoice';

/**
 * Where the wasm backend finds its binaries. In the browser these are URLs on the app's own
 * origin (Vite `?url` imports, see src/workers); in Node, a directory path with a trailing '/'.
 */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

export interface BackendConfig {
  wasmPaths?: WasmPaths;
  /**
   * Allow the threaded wasm build (cross-origin isolated pages only). Off in bundled builds:
   * tfjs makes each pthread's script from `factory.toString()`, which breaks once a bundler has
   * rewritten the factory's closure ("e is not defined" in the pthread workers).
   */
  wasmMultithread?: boolean;
}

const loaded = new Set<BackendName>();

async function register(name: BackendName, config: BackendConfig): Promise<void> {
  if (loaded.has(name)) return;
  switch (name) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (config.wasmPaths !== undefined) wasm.setWasmPaths(config.wasmPaths);
      if (config.wasmMultithread === false) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      break;
    }
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      break;
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
  }
  loaded.add(name);
}

/** Loads several backend packages at once (module fetch + parse overlap instead of queueing). */
export async function preloadBackends(names: BackendName[], config: BackendConfig = {}): Promise<void> {
  await Promise.all(names.map((n) => register(n, config).catch(() => undefined)));
}

/**
 * Makes `name` the active backend. Returns false (never throws) when it cannot start:
 * `tf.setBackend` resolves false when e.g. no WebGPU adapter exists, and `tf.getBackend()` may
 * still report the old name (DESIGN.md §3), so we check both.
 */
export async function activateBackend(name: BackendName, config: BackendConfig = {}): Promise<{ ok: boolean; error?: string }> {
  try {
    await register(name, config);
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return { ok: false, error: `${name} did not initialise in this browser` };
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** Minimal WebGPU typing: enough to read adapter info without a types dependency. */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits?: Record<string, number>;
  features?: Set<string>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export interface WebGpuReport {
  available: boolean;
  adapter: AdapterSummary | null;
  limits: Record<string, number>;
  features: string[];
  error?: string;
}

/** Reads what the browser's WebGPU adapter is, the way tfjs-backend-webgpu requests it. */
export async function describeWebGpu(): Promise<WebGpuReport> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, adapter: null, limits: {}, features: [], error: 'navigator.gpu is missing (WebGPU not enabled)' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, adapter: null, limits: {}, features: [], error: 'requestAdapter() returned null (no adapter)' };
    const info = adapter.info ?? {};
    const limits: Record<string, number> = {};
    if (adapter.limits) {
      // GPUSupportedLimits exposes its values as prototype getters: walk them explicitly.
      for (const key in adapter.limits) {
        const value = adapter.limits[key];
        if (typeof value === 'number') limits[key] = value;
      }
    }
    return {
      available: true,
      adapter: {
        vendor: info.vendor ?? '',
        architecture: info.architecture ?? '',
        device: info.device ?? '',
        description: info.description ?? '',
        isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
      },
      limits,
      features: adapter.features ? [...adapter.features].sort() : [],
    };
  } catch (e) {
    return { available: false, adapter: null, limits: {}, features: [], error: e instanceof Error ? e.message : String(e) };
  }
}

/** Which backends this environment can even attempt (before measuring). */
export function candidateBackends(): BackendName[] {
  const g = globalThis as { navigator?: { gpu?: unknown }; OffscreenCanvas?: unknown; document?: unknown; WebAssembly?: unknown };
  const out: BackendName[] = [];
  if (g.navigator?.gpu) out.push('webgpu');
  if (g.OffscreenCanvas !== undefined || g.document !== undefined) out.push('webgl');
  if (g.WebAssembly !== undefined) out.push('wasm');
  out.push('cpu');
  return out;
}
