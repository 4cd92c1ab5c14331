// UMAP of row vectors to 2-D for the review map (issue #11), with umap-js (PAIR-code, MIT): the
// rows are first reduced to `pcaDims` principal components by tensor ops (`pcaK`), the exact
// neighbour graph is computed by tensor ops in row chunks (`euclideanKnn`, given to umap-js in
// place of its random-projection forest + NN-descent, which ran as one uninterruptible call), then
// umap-js runs its SGD epochs one `step()` at a time: progress is reported and an abort lands
// between chunks and between epochs. Every random draw
// comes from a seeded mulberry32: a map is deterministic for a seed on a backend.
import { UMAP_PCA_DIMS } from '../core/review/mapDefaults';
import { mulberry32 } from '../core/world/random';
import { pcaK } from './pca';
import { euclideanKnn } from './similarity';

export interface UmapOptions {
  seed: number;
  /** Reduce to this many principal components first (0: UMAP on the raw rows). */
  pcaDims?: number;
  /** umap-js defaults: 15 neighbours; epochs by size (500 up to 2,500 rows … 200 above 7,500). */
  nNeighbors?: number;
  nEpochs?: number;
  signal?: AbortSignal;
  onProgress?(p: UmapProgress): void;
}

export interface UmapProgress {
  phase: 'pca' | 'neighbours' | 'epochs';
  done: number;
  total: number;
}

export interface Umap2 {
  /** [n, 2] row-major. */
  points: Float32Array;
  /** Dimensions UMAP ran on (pcaDims, or the rows' own when not reduced), and the PCA's share of the variance. */
  inputDims: number;
  pcaExplained: number | null;
  nNeighbors: number;
  epochs: number;
  /** Wall time of each phase, ms. */
  ms: { pca: number; neighbours: number; epochs: number };
}

/** Yield to the event loop (where the worker sees an abort message) after this much work, ms. */
const SLICE_MS = 30;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function umap2(values: Float32Array, dim: number, options: UmapOptions): Promise<Umap2> {
  const { seed, pcaDims = UMAP_PCA_DIMS, signal, onProgress } = options;
  const n = values.length / dim;
  if (!Number.isInteger(n) || n < 3) throw new RangeError(`UMAP needs at least 3 rows of ${dim} values`);
  const nNeighbors = Math.min(options.nNeighbors ?? 15, n - 1);
  const t0 = performance.now();
  let rows = values;
  let inputDims = dim;
  let pcaExplained: number | null = null;
  if (pcaDims > 0 && dim > pcaDims && n > pcaDims) {
    const reduced = await pcaK(values, dim, pcaDims, { seed, signal, onIteration: (done, total) => onProgress?.({ phase: 'pca', done, total }) });
    rows = reduced.points;
    inputDims = pcaDims;
    pcaExplained = reduced.totalVariance > 0 ? reduced.variances.reduce((s, v) => s + v, 0) / reduced.totalVariance : 0;
  }
  const t1 = performance.now();
  signal?.throwIfAborted();
  onProgress?.({ phase: 'neighbours', done: 0, total: 1 });
  await nextTask();
  const { UMAP } = await import('umap-js');
  signal?.throwIfAborted();
  const knn = await euclideanKnn(rows, inputDims, nNeighbors, { ...(signal && { signal }), onChunk: (done, total) => onProgress?.({ phase: 'neighbours', done, total }) });
  signal?.throwIfAborted();
  const umap = new UMAP({ nComponents: 2, nNeighbors, random: mulberry32(seed).next, ...(options.nEpochs ? { nEpochs: options.nEpochs } : {}) });
  const X = Array.from({ length: n }, (_, i) => Array.from(rows.subarray(i * inputDims, (i + 1) * inputDims)));
  const row = <T extends Int32Array | Float32Array>(a: T, i: number): number[] => Array.from(a.subarray(i * knn.k, (i + 1) * knn.k));
  umap.setPrecomputedKNN(
    Array.from({ length: n }, (_, i) => row(knn.indices, i)),
    Array.from({ length: n }, (_, i) => row(knn.distances, i)),
  );
  const epochs = umap.initializeFit(X);
  const t2 = performance.now();
  onProgress?.({ phase: 'epochs', done: 0, total: epochs });
  let sliceStart = performance.now();
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (performance.now() - sliceStart > SLICE_MS || e === epochs - 1) {
      onProgress?.({ phase: 'epochs', done: e + 1, total: epochs });
      await nextTask();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  const embedding = umap.getEmbedding();
  const points = new Float32Array(2 * n);
  embedding.forEach((p, i) => {
    points[2 * i] = p[0] ?? 0;
    points[2 * i + 1] = p[1] ?? 0;
  });
  return { points, inputDims, pcaExplained, nNeighbors, epochs, ms: { pca: t1 - t0, neighbours: t2 - t1, epochs: performance.now() - t2 } };
}
