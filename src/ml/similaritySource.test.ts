// TensorSimilaritySource on every Node backend against the plain-JS cosine loops, and wired into
// Stage 1 synthesis: the tensor source and a plain-JS source give the same triples.
import { describe, expect, it } from 'vitest';
import { NODE_BACKENDS, wasmDir } from '../../tests/helpers/tfNode';
import { fixedClips } from '../core/clips';
import { DEMO_SIZES } from '../core/demo';
import { fixtureValues } from '../core/reference/linalg';
import { cosine, row } from '../core/reference/similarity';
import { synthesizeStage1, type SimilaritySource, type SynthClip } from '../core/synthesis/stage1';
import { buildWorld, createOracleGenerator } from '../core/world';
import { activateBackend } from './backend/registry';
import { TensorSimilaritySource } from './similaritySource';

const TOL = 1e-5;

describe.each(NODE_BACKENDS)('TensorSimilaritySource on %s', (backend) => {
  it('activates', async () => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
  });

  it('gives, for each anchor of a batch, its cosine to every clip in clip order', async () => {
    const n = 70;
    const dim = 24;
    const values = Float32Array.from(fixtureValues(n * dim, 11));
    const source = new TensorSimilaritySource(values, dim);
    const anchors = [5, 0, 69, 5, 33]; // repeats and both ends
    const rows = await source.rows(anchors);
    expect(rows).toHaveLength(anchors.length);
    for (const [r, a] of anchors.entries()) {
      expect(rows[r]).toHaveLength(n);
      for (let j = 0; j < n; j++) expect(Math.abs(rows[r]![j]! - cosine(row(values, dim, a), row(values, dim, j)))).toBeLessThan(TOL);
      expect(rows[r]![a]).toBeCloseTo(1, 5);
    }
    source.dispose();
  });

  it('keeps an all-zero clip at similarity 0, not NaN, and frees its tensors on dispose', async () => {
    const before = (await import('@tensorflow/tfjs-core')).memory().numTensors;
    const source = TensorSimilaritySource.fromRows([Float32Array.from([1, 0, 0]), Float32Array.from([0, 0, 0]), Float32Array.from([3, 4, 0])]);
    const [first] = await source.rows([0]);
    expect([...first!].map((x) => Math.round(x * 1e5) / 1e5)).toEqual([1, 0, 0.6]);
    source.dispose();
    expect((await import('@tensorflow/tfjs-core')).memory().numTensors).toBe(before);
    await expect(source.rows([0])).rejects.toThrow(/disposed/);
  });

  it('rejects out-of-range anchors and a cancelled signal', async () => {
    const source = new TensorSimilaritySource(Float32Array.from(fixtureValues(4 * 3, 2)), 3);
    await expect(source.rows([4])).rejects.toThrow(RangeError);
    const controller = new AbortController();
    controller.abort();
    await expect(source.rows([0], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(await source.rows([])).toEqual([]);
    source.dispose();
  });
});

describe('TensorSimilaritySource in Stage 1 synthesis', () => {
  it('gives the same triples as a plain-JS similarity source', async () => {
    expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
    const world = buildWorld(DEMO_SIZES.small.config);
    const clips: SynthClip[] = world.videos.flatMap((v) =>
      fixedClips(v.durationS, 1, 8).map((s) => ({ id: `${v.id}|clip|${s.frameStart}`, videoId: v.id, videoName: v.fileName, startS: s.startS, endS: s.endS, frameCount: s.frameEnd - s.frameStart })),
    );
    const dim = 16;
    // Shifted so that some pairs are similar and the filter has work to do.
    const values = Float32Array.from(fixtureValues(clips.length * dim, 5), (x, i) => x + (i % dim < 4 ? 1 : 0));
    const js: SimilaritySource = { rows: async (anchors) => anchors.map((a) => Float32Array.from(clips, (_, j) => cosine(row(values, dim, a), row(values, dim, j)))) };
    const tensor = new TensorSimilaritySource(values, dim);
    const params = { seed: 3, count: 12, embedder: 'fixture', similarityThreshold: 0.5, now: '2026-01-01T00:00:00.000Z' };
    const viaTensor = await synthesizeStage1(clips, tensor, createOracleGenerator(world), params);
    const viaJs = await synthesizeStage1(clips, js, createOracleGenerator(world), params);
    tensor.dispose();
    expect(viaTensor.report.replacedDistractors).toBeGreaterThan(0);
    expect(viaTensor.triples.length).toBeGreaterThan(0);
    const strip = (t: (typeof viaJs.triples)[number]) => ({ ...t, filters: { ...t.filters, max_distractor_similarity: Math.round((t.filters.max_distractor_similarity ?? 0) * 1e4) } });
    expect(viaTensor.triples.map(strip)).toEqual(viaJs.triples.map(strip));
  });
});
