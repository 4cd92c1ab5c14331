// Similarity tensor ops on every Node backend, checked against the plain-JS loops.
import { describe, expect, it } from 'vitest';
import { fixtureValues } from '../core/reference/linalg';
import { cosine, referenceConsecutiveDistances, referenceTopK, row } from '../core/reference/similarity';
import { activateBackend } from './backend/registry';
import { NODE_BACKENDS, wasmDir } from '../../tests/helpers/tfNode';
import { consecutiveDistances, cosineMatrix, cosineTopK, euclideanKnn } from './similarity';

const TOL = 1e-4;

describe.each(NODE_BACKENDS)('similarity on %s', (backend) => {
  it('activates', async () => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
  });

  it('Euclidean k nearest rows (self included) match plain-JS distances, chunk by chunk', async () => {
    const n = 90;
    const dim = 12;
    const k = 6;
    const values = Float32Array.from(fixtureValues(n * dim, 7));
    const chunks: number[] = [];
    const got = await euclideanKnn(values, dim, k, { chunkRows: 40, onChunk: (done, total) => chunks.push(done, total) });
    expect(chunks).toEqual([1, 3, 2, 3, 3, 3]);
    const dist = (i: number, j: number): number => Math.hypot(...Array.from({ length: dim }, (_, d) => values[i * dim + d]! - values[j * dim + d]!));
    for (let i = 0; i < n; i++) {
      const want = Array.from({ length: n }, (_, j) => j).sort((a, b) => dist(i, a) - dist(i, b) || a - b).slice(0, k);
      const ids = [...got.indices.subarray(i * k, (i + 1) * k)];
      expect(ids[0]).toBe(i);
      expect(ids).toEqual(want);
      want.forEach((j, m) => expect(Math.abs(got.distances[i * k + m]! - dist(i, j))).toBeLessThan(1e-3));
    }
    const controller = new AbortController();
    controller.abort();
    await expect(euclideanKnn(values, dim, k, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it.each([
    { n: 150, dim: 32, k: 5, chunkRows: 64 }, // several chunks, a ragged last one
    { n: 40, dim: 8, k: 10, chunkRows: 1024 }, // one chunk
  ])('top-k matches the JS reference (n=$n, chunk=$chunkRows)', async ({ n, dim, k, chunkRows }) => {
    const values = Float32Array.from(fixtureValues(n * dim, n + dim));
    const got = await cosineTopK(values, dim, k, { chunkRows });
    const want = referenceTopK(values, dim, k);
    expect(got.k).toBe(k);
    for (let i = 0; i < n; i++) {
      const ids = [...got.indices.subarray(i * k, (i + 1) * k)];
      expect(ids).not.toContain(i);
      expect(ids).toEqual(want[i]!.map((w) => w.index));
      want[i]!.forEach((w, j) => expect(Math.abs(got.scores[i * k + j]! - w.score)).toBeLessThan(TOL));
    }
  });

  it('never returns a row as its own neighbour, even among exact duplicates', async () => {
    // Five identical rows: every score ties at 1, so self may sit anywhere in the top-(k+1).
    const values = Float32Array.from({ length: 5 * 4 }, (_, i) => (i % 4) + 1);
    const got = await cosineTopK(values, 4, 4);
    for (let i = 0; i < 5; i++) {
      const ids = [...got.indices.subarray(i * 4, i * 4 + 4)].sort();
      expect(ids).toEqual([0, 1, 2, 3, 4].filter((j) => j !== i));
    }
  });

  it('caps k at n − 1 and handles a single row', async () => {
    expect((await cosineTopK(Float32Array.from([1, 0, 0, 1, 1, 1]), 2, 10)).k).toBe(2);
    expect((await cosineTopK(Float32Array.from([1, 0]), 2, 3)).k).toBe(0);
  });

  it('computes a cosine matrix and consecutive distances', async () => {
    const dim = 16;
    const a = Float32Array.from(fixtureValues(3 * dim, 1));
    const b = Float32Array.from(fixtureValues(5 * dim, 2));
    const m = await cosineMatrix(a, b, dim);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) expect(Math.abs(m[i * 5 + j]! - cosine(row(a, dim, i), row(b, dim, j)))).toBeLessThan(TOL);
    const d = await consecutiveDistances(b, dim);
    referenceConsecutiveDistances(b, dim).forEach((want, i) => expect(Math.abs(d[i]! - want)).toBeLessThan(TOL));
  });

  it('rejects ragged input', async () => {
    await expect(cosineTopK(new Float32Array(7), 2, 1)).rejects.toThrow(RangeError);
  });
});
