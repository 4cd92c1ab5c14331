// The browser self-test, run in Node on the backends Node has (cpu, wasm): same numbers, same
// reference. The e2e suite runs it on webgpu and webgl in Chromium.
import { describe, expect, it } from 'vitest';
import { fixtureValues, matrix, maxAbsDiff, softmaxRegressionStep } from '../../core/reference/linalg';
import { runSoftmaxRegressionStep, selfTestBackend, SELF_TEST_TOLERANCE } from './selfTest';
import { activateBackend } from './registry';
import { NODE_BACKENDS, wasmDir } from '../../../tests/helpers/tfNode';

describe.each(NODE_BACKENDS)('self-test on %s', (backend) => {
  it('matches the plain-JS reference', async () => {
    const result = await selfTestBackend(backend, { wasmPaths: wasmDir });
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    for (const err of Object.values(result.errors ?? {})) expect(err).toBeLessThanOrEqual(SELF_TEST_TOLERANCE);
  });

  it('would notice a wrong result (the check can fail)', async () => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
    const x = fixtureValues(6 * 16, 7);
    const w = fixtureValues(16 * 5, 11);
    const labels = [0, 3, 1, 4, 2, 3];
    const got = await runSoftmaxRegressionStep(x, w, labels, 0.5);
    // Reference with a different learning rate: the updated weights must disagree.
    const other = softmaxRegressionStep(matrix(6, 16, x), matrix(16, 5, w), labels, 0.4);
    expect(maxAbsDiff(got.updated, other.updated.data)).toBeGreaterThan(SELF_TEST_TOLERANCE);
    expect(maxAbsDiff(got.grad, other.grad.data)).toBeLessThanOrEqual(SELF_TEST_TOLERANCE);
  });
});

describe('backends Node lacks', () => {
  it('reports webgpu as unavailable instead of throwing', async () => {
    const result = await selfTestBackend('webgpu');
    expect(result.ok).toBe(false);
    expect(result.error).toBeTruthy();
  });
});
