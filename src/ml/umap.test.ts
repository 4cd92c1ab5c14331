// UMAP for the review map: clusters stay apart in 2-D, a seed gives the same map, abort stops it.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/world/random';
import { activateBackend } from './backend/registry';
import { wasmDir } from '../../tests/helpers/tfNode';
import { umap2 } from './umap';

/** `perCluster` rows around each of `clusters` random centres in `dim`-d (noise well below the spacing). */
function clustered(clusters: number, perCluster: number, dim: number, seed: number): { values: Float32Array; label: number[] } {
  const rng = mulberry32(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => rng.next() * 2 - 1));
  const values = new Float32Array(clusters * perCluster * dim);
  const label: number[] = [];
  for (let i = 0; i < clusters * perCluster; i++) {
    const c = i % clusters;
    label.push(c);
    for (let j = 0; j < dim; j++) values[i * dim + j] = centres[c]![j]! + (rng.next() * 2 - 1) * 0.15;
  }
  return { values, label };
}

/** Share of points whose 5 nearest 2-D neighbours all have the point's own label. */
function purity(points: Float32Array, label: readonly number[]): number {
  const n = label.length;
  let pure = 0;
  for (let i = 0; i < n; i++) {
    const near = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => Math.hypot(points[2 * a]! - points[2 * i]!, points[2 * a + 1]! - points[2 * i + 1]!) - Math.hypot(points[2 * b]! - points[2 * i]!, points[2 * b + 1]! - points[2 * i + 1]!))
      .slice(0, 5);
    if (near.every((j) => label[j] === label[i])) pure++;
  }
  return pure / n;
}

describe('umap2', () => {
  it('activates wasm', async () => {
    expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  });

  it('keeps clusters apart after the PCA reduction, with progress through every phase', async () => {
    const { values, label } = clustered(3, 40, 96, 4);
    const phases = new Set<string>();
    const got = await umap2(values, 96, { seed: 42, pcaDims: 20, nEpochs: 150, onProgress: (p) => phases.add(p.phase) });
    expect(got.points.length).toBe(240);
    expect(got.inputDims).toBe(20);
    expect(got.pcaExplained).toBeGreaterThan(0.9);
    expect(got.epochs).toBe(150);
    expect([...phases]).toEqual(['pca', 'neighbours', 'epochs']);
    expect(got.points.every(Number.isFinite)).toBe(true);
    expect(purity(got.points, label)).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed; another seed gives another layout', async () => {
    const { values } = clustered(3, 20, 32, 8);
    const a = await umap2(values, 32, { seed: 7, pcaDims: 0, nEpochs: 60 });
    const b = await umap2(values, 32, { seed: 7, pcaDims: 0, nEpochs: 60 });
    const c = await umap2(values, 32, { seed: 8, pcaDims: 0, nEpochs: 60 });
    expect(a.inputDims).toBe(32);
    expect(a.pcaExplained).toBeNull();
    expect(Array.from(a.points)).toEqual(Array.from(b.points));
    expect(Array.from(a.points)).not.toEqual(Array.from(c.points));
  });

  it('stops between epochs when aborted', async () => {
    const { values } = clustered(4, 100, 16, 2);
    const controller = new AbortController();
    let last = 0;
    const run = umap2(values, 16, {
      seed: 1,
      pcaDims: 0,
      nEpochs: 100_000,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase !== 'epochs') return;
        last = p.done;
        if (p.done > 0) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(100_000);
  });

  it('stops while building the neighbour graph when aborted', async () => {
    const { values } = clustered(4, 400, 16, 3);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = umap2(values, 16, {
      seed: 1,
      pcaDims: 0,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(`${p.phase} ${p.done}/${p.total}`);
        if (p.phase === 'neighbours' && p.done === 1 && p.total > 1) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toContain('neighbours 1/4');
    expect(seen.some((s) => s.startsWith('epochs'))).toBe(false);
  });

  it('refuses fewer than three rows', async () => {
    await expect(umap2(new Float32Array(4), 2, { seed: 1 })).rejects.toThrow(/at least 3 rows/);
  });
});
