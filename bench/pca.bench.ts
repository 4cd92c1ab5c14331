// bench/pca: the review map's 2-D PCA (src/ml/pca.ts) for 2,000 and 10,000 clips of 1792-d
// embeddings (the default embedder's size) on the wasm backend in Node, the backend the browser
// picks on this machine. Prints JSON. Run: npm run bench:pca
import { expect, it } from 'vitest';
import { fixtureValues } from '../src/core/reference/linalg';
import { activateBackend } from '../src/ml/backend/registry';
import { pca2 } from '../src/ml/pca';
import { wasmDir } from '../tests/helpers/tfNode';

const DIM = 1792;

it('PCA map times', { timeout: 600_000 }, async () => {
  expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  const rows = [];
  for (const n of [2_000, 10_000]) {
    const values = Float32Array.from(fixtureValues(n * DIM, n));
    await pca2(values.subarray(0, 64 * DIM), DIM, 2); // warm-up: kernels and memory
    const t0 = performance.now();
    const { points } = await pca2(values, DIM);
    rows.push({ clips: n, dim: DIM, backend: 'wasm', ms: Math.round(performance.now() - t0) });
    expect(points.length).toBe(2 * n);
  }
  console.log(JSON.stringify(rows));
});
