// bench/pca: the review map's projections for 2,000 and 10,000 clips of 1792-d embeddings (the
// default embedder's size) on the wasm backend in Node, the backend the browser picks on this
// machine: the 2-D PCA (pca2, the default map), UMAP as shipped (pcaK to 50 dims, then umap-js),
// and the baseline UMAP on the raw 1792-d rows, side by side in one run. The rows are clustered
// like clip embeddings (clips of a video near one another), L2-normalised. Prints a table and
// JSON; writes bench/out/map-node.json. Run: npm run bench:pca (BENCH_CLIPS=2000 for one size,
// BENCH_RAW=0 to skip the raw baseline).
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { activateBackend } from '../src/ml/backend/registry';
import { pca2 } from '../src/ml/pca';
import { umap2 } from '../src/ml/umap';
import { wasmDir } from '../tests/helpers/tfNode';
import { clipLikeEmbeddings } from './clipEmbeddings';

const DIM = 1792;
const SIZES = (process.env.BENCH_CLIPS ?? '2000,10000').split(',').map(Number);
const RAW = process.env.BENCH_RAW !== '0';

const round = (ms: number) => Math.round(ms);

it('review map times: PCA, UMAP on PCA-50, UMAP on raw 1792-d', { timeout: 1_800_000 }, async () => {
  expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  await pca2(clipLikeEmbeddings(64, DIM), DIM, 2); // warm-up: kernels and memory
  const rows: Record<string, number | string>[] = [];
  for (const n of SIZES) {
    const values = clipLikeEmbeddings(n, DIM);
    let t0 = performance.now();
    const pca = await pca2(values, DIM);
    const pcaMs = performance.now() - t0;
    expect(pca.points.length).toBe(2 * n);
    t0 = performance.now();
    const reduced = await umap2(values, DIM, { seed: 42 });
    const reducedMs = performance.now() - t0;
    expect(reduced.inputDims).toBe(50);
    rows.push({ clips: n, method: 'pca2', ms: round(pcaMs), pca_ms: round(pcaMs), neighbours_ms: 0, epochs_ms: 0, epochs: 0, vs_pca: 1 });
    rows.push({ clips: n, method: 'umap(pca50)', ms: round(reducedMs), pca_ms: round(reduced.ms.pca), neighbours_ms: round(reduced.ms.neighbours), epochs_ms: round(reduced.ms.epochs), epochs: reduced.epochs, vs_pca: +(reducedMs / pcaMs).toFixed(2) });
    if (RAW) {
      t0 = performance.now();
      const raw = await umap2(values, DIM, { seed: 42, pcaDims: 0 });
      const rawMs = performance.now() - t0;
      rows.push({ clips: n, method: 'umap(raw1792)', ms: round(rawMs), pca_ms: 0, neighbours_ms: round(raw.ms.neighbours), epochs_ms: round(raw.ms.epochs), epochs: raw.epochs, vs_pca: +(rawMs / pcaMs).toFixed(2), raw_vs_pca50: +(rawMs / reducedMs).toFixed(2) });
    }
  }
  const keys = ['clips', 'method', 'ms', 'pca_ms', 'neighbours_ms', 'epochs_ms', 'epochs', 'vs_pca', 'raw_vs_pca50'];
  const cells = [keys, ...rows.map((r) => keys.map((k) => String(r[k] ?? '')))];
  const widths = keys.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  console.log(cells.map((c) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ')).join('\n'));
  const out = { backend: 'wasm', dim: DIM, date: new Date().toISOString(), rows };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync(`bench/out/map-node${SIZES.length === 1 ? `-${SIZES[0]}` : ''}.json`, JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out));
});
