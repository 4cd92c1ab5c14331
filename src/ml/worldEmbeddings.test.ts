// World → sampled frames → clips, with a fake embedder (mean colour of the letterboxed frame) so
// the sampling, letterbox and clip wiring are checked fast and exactly; the real embedder on the
// demo world is checked by worldRetrieval.test.ts.
import { describe, expect, it } from 'vitest';
import { fixedClips, spanEmbedding } from '../core/clips';
import { DEMO_SIZES } from '../core/demo';
import { buildWorld, letterbox, renderFrame } from '../core/world';
import { activateBackend } from './backend/registry';
import { objectTokenEmbedder, type Embedder } from './embedder';
import { embedWorld, embedWorldClips, sampleCount, worldFrameAt, worldSampleTotal } from './worldEmbeddings';

const S = 48;

/** [n, 3]: mean R, G, B of each frame, plus a record of every frame it saw. */
function fakeEmbedder(): Embedder & { seen: Uint8Array[] } {
  const seen: Uint8Array[] = [];
  return {
    id: 'fake',
    dim: 3,
    inputSize: S,
    seen,
    async embed(frames) {
      seen.push(...frames);
      const out = new Float32Array(frames.length * 3);
      frames.forEach((f, i) => {
        for (let p = 0; p < f.length; p += 3) for (let c = 0; c < 3; c++) out[i * 3 + c]! += f[p + c]! / (f.length / 3);
      });
      return out;
    },
    dispose() {},
  };
}

describe('world frames for the embedder', () => {
  it('samples at times 0, 1/fps, … below the duration, each the last world frame at or before it', () => {
    expect(sampleCount(12, 1)).toBe(12);
    expect(sampleCount(12.5, 1)).toBe(13);
    expect(sampleCount(0.2, 1)).toBe(1);
    const video = { frameCount: 48 } as Parameters<typeof worldFrameAt>[0];
    expect([0, 1, 2, 11].map((k) => worldFrameAt(video, 4, k, 1))).toEqual([0, 4, 8, 44]);
    expect(worldFrameAt(video, 4, 5, 2)).toBe(10);
    expect(worldFrameAt(video, 4, 100, 1)).toBe(47);
  });

  it('letterboxes a 4:3 frame into the square with black bars above and below', () => {
    const rgba = new Uint8ClampedArray(4 * 3 * 4).fill(200);
    const out = letterbox(rgba, 4, 3, 4);
    const rowSum = (y: number): number => out.subarray(y * 12, (y + 1) * 12).reduce((a, b) => a + b, 0);
    expect([0, 1, 2, 3].map(rowSum)).toEqual([200 * 12, 200 * 12, 200 * 12, 0]);
    expect(() => letterbox(rgba, 4, 3, 2)).toThrow(/does not fit/);
  });

  it('cuts every video into the studio’s fixed clips with normalised mean frame embeddings', async () => {
    const world = buildWorld({ ...DEMO_SIZES.small.config, width: S, height: (S * 3) / 4 });
    const embedder = fakeEmbedder();
    const progress: number[] = [];
    const clips = await embedWorldClips(world, embedder, { fps: 1, clipS: 8, batchSize: 5, onProgress: (p) => progress.push(p.framesDone) });
    expect(embedder.seen).toHaveLength(worldSampleTotal(world, 1));
    expect(progress.at(-1)).toBe(embedder.seen.length);

    const spans = world.videos.flatMap((v) => fixedClips(sampleCount(v.durationS, 1), 1, 8).map((s) => ({ v, s })));
    expect(clips.map((c) => [c.id, c.videoName, c.startS, c.endS, c.frameCount])).toEqual(
      spans.map(({ v, s }) => [`${v.id}|clip|${String(s.frameStart).padStart(7, '0')}`, v.fileName, s.startS, s.endS, s.frameEnd - s.frameStart]),
    );

    // The first clip's embedding: the normalised mean of its frames' fake embeddings.
    const first = world.videos[0]!;
    const frameCount = clips[0]!.frameCount;
    const rows = new Float32Array(frameCount * 3);
    for (let k = 0; k < frameCount; k++) {
      const f = letterbox(renderFrame(world, first, worldFrameAt(first, world.config.fps, k, 1)), S, (S * 3) / 4, S);
      for (let p = 0; p < f.length; p += 3) for (let c = 0; c < 3; c++) rows[k * 3 + c]! += f[p + c]! / (f.length / 3);
    }
    const want = spanEmbedding(rows, 3, { frameStart: 0, frameEnd: frameCount, startS: 0, endS: frameCount });
    [...clips[0]!.embedding].forEach((x, d) => expect(x).toBeCloseTo(want[d]!, 5));
  });

  it('stops between batches when cancelled', async () => {
    const world = buildWorld({ ...DEMO_SIZES.small.config, width: S, height: (S * 3) / 4 });
    const controller = new AbortController();
    const run = embedWorldClips(world, fakeEmbedder(), { fps: 1, clipS: 8, batchSize: 4, onProgress: (p) => p.framesDone >= 8 && controller.abort(), signal: controller.signal });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('cuts object-token videos at their true scenes (the background histogram, not the moving object slots)', { timeout: 60_000 }, async () => {
    expect((await activateBackend('cpu')).ok).toBe(true);
    const size = 224;
    const world = buildWorld({ ...DEMO_SIZES.small.config, width: size, height: (size * 3) / 4 });
    const { scenes } = await embedWorld(world, objectTokenEmbedder(size), { fps: 1, clipS: 8, scenes: { threshold: 0.18, minSceneS: 2 } });
    for (const v of world.videos) expect(scenes.filter((s) => s.videoName === v.fileName).map((s) => s.startS)).toEqual(v.scenes.map((s) => s.startS));
  });
});
