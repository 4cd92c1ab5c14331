// Review (issue #11) in the compute worker: the embedding map (a 2-D PCA of every stored clip's
// embedding, tensor ops on the active backend; or UMAP of their top 50 principal components) and
// each clip's similarity to a triple's anchor.
import { cosineMatrix } from '../ml/similarity';
import { pca2 } from '../ml/pca';
import { UMAP_PCA_DIMS } from '../core/review/mapDefaults';
import { umap2 } from '../ml/umap';
import { studioDb } from '../storage/db';
import type { HandlerContext } from './rpc';

/** PCA (the default, exact, fast) or UMAP (seeded; `pcaDims` 0 runs it on the raw embeddings). */
export type MapRequest = { method: 'pca' } | { method: 'umap'; seed: number; pcaDims?: number };

export interface ClipMap {
  method: 'pca' | 'umap';
  /** Clips of the embedder with the most clips (kind 'clip'), in stored order. */
  clipIds: string[];
  videoIds: string[];
  /** [n, 2] coordinates. */
  points: Float32Array;
  /** PCA: share of the total variance on each axis. */
  explained: [number, number] | null;
  /** UMAP: its seed, neighbours, epochs, the dimensions it ran on and the variance they keep. */
  umap: { seed: number; nNeighbors: number; epochs: number; inputDims: number; pcaExplained: number | null } | null;
  modelId: string;
  ms: number;
}

export type ReviewProtocol = {
  /** The map of the stored clips (null when fewer than two are stored); progress per phase, abort between steps. */
  'review.map': { req: MapRequest; res: ClipMap | null };
  /** Cosine similarity of each of `clipIds` to `anchorId` (NaN for a clip that is not stored). */
  'review.similarities': { req: { anchorId: string; clipIds: string[] }; res: number[] };
};

async function map(req: MapRequest, { signal, progress }: HandlerContext): Promise<ClipMap | null> {
  const started = performance.now();
  const db = await studioDb();
  progress({ done: 0, total: 2, label: 'reading clip embeddings' });
  const clips = (await db.getAll('clips')).filter((c) => c.kind === 'clip');
  const byModel = new Map<string, number>();
  for (const c of clips) byModel.set(c.modelId, (byModel.get(c.modelId) ?? 0) + 1);
  const modelId = [...byModel.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const used = clips.filter((c) => c.modelId === modelId);
  if (!modelId || used.length < 2) return null;
  const dim = used[0]!.embedding.length;
  const values = new Float32Array(used.length * dim);
  used.forEach((c, i) => values.set(c.embedding, i * dim));
  signal.throwIfAborted();
  const base = { clipIds: used.map((c) => c.id), videoIds: used.map((c) => c.videoId), modelId };
  if (req.method === 'umap') {
    if (used.length < 3) return null;
    const pcaDims = req.pcaDims ?? UMAP_PCA_DIMS;
    const labels = { pca: `PCA of ${used.length} clips to ${pcaDims} dims (iteration)`, neighbours: `neighbour graph of ${used.length} clips`, epochs: 'UMAP epochs' };
    const out = await umap2(values, dim, { seed: req.seed, pcaDims, signal, onProgress: (p) => progress({ done: p.done, total: p.total, label: labels[p.phase] }) });
    const umap = { seed: req.seed, nNeighbors: out.nNeighbors, epochs: out.epochs, inputDims: out.inputDims, pcaExplained: out.pcaExplained };
    return { ...base, method: 'umap', points: out.points, explained: null, umap, ms: performance.now() - started };
  }
  progress({ done: 1, total: 2, label: `PCA of ${used.length} clips` });
  const { points, variances, totalVariance } = await pca2(values, dim);
  progress({ done: 2, total: 2, label: 'done' });
  const share = (v: number) => (totalVariance > 0 ? v / totalVariance : 0);
  return { ...base, method: 'pca', points, explained: [share(variances[0]), share(variances[1])], umap: null, ms: performance.now() - started };
}

async function similarities({ anchorId, clipIds }: { anchorId: string; clipIds: string[] }): Promise<number[]> {
  const db = await studioDb();
  const [anchor, ...records] = await Promise.all([db.get('clips', anchorId), ...clipIds.map((id) => db.get('clips', id))]);
  if (!anchor) return clipIds.map(() => Number.NaN);
  const dim = anchor.embedding.length;
  const present = records.map((r) => (r && r.embedding.length === dim && r.modelId === anchor.modelId ? r : undefined));
  const rows = present.filter((r) => r !== undefined);
  if (rows.length === 0) return clipIds.map(() => Number.NaN);
  const matrix = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => matrix.set(r.embedding, i * dim));
  // One row of cosines as a tensor op (DESIGN.md §2).
  const scores = await cosineMatrix(anchor.embedding, matrix, dim);
  let k = 0;
  return present.map((r) => (r ? (scores[k++] ?? Number.NaN) : Number.NaN));
}

export function createReviewHandlers() {
  return { 'review.map': map, 'review.similarities': similarities };
}
