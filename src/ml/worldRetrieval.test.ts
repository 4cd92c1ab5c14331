// Issue #4: the default embedder tells the demo world's clips apart. Frames of every short clip
// of the default world (seed 42) are rendered at the embedder's aspect, letterboxed to 224 px as
// the import path does, embedded on wasm, and each frame's nearest other frame must come from
// the same clip for ≥ 90% of frames (recall@1).
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmDir } from '../../tests/helpers/tfNode';
import { buildWorld, letterbox as letterboxTo, renderFrame } from '../core/world';
import { activateBackend } from './backend/registry';
import { createDefaultEmbedder, DEFAULT_EMBEDDER_SPEC, type Embedder } from './embedder';
import { cosineTopK } from './similarity';

const S = DEFAULT_EMBEDDER_SPEC.inputSize;
/** Same aspect as the default world (4:3), so the same seed gives the same world. */
const W = S;
const H = (S * 3) / 4;
const FRAMES_PER_CLIP = 4;

const letterbox = (rgba: Uint8ClampedArray) => letterboxTo(rgba, W, H, S);

let embedder: Embedder;
beforeAll(async () => {
  expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  embedder = await createDefaultEmbedder();
}, 60_000);

describe('demo world × default embedder', () => {
  it('frames of the same short clip are each other’s nearest neighbours (recall@1 ≥ 0.9)', async () => {
    const world = buildWorld({ width: W, height: H });
    const clips = world.videos.filter((v) => v.kind === 'short');
    expect(clips.length).toBe(60);
    const owner: number[] = [];
    const vectors: Float32Array[] = [];
    for (const [c, video] of clips.entries()) {
      const fps = world.config.fps;
      // Evenly spread over the clip, at whole seconds (1 fps sampling picks from these).
      const frames = Array.from({ length: FRAMES_PER_CLIP }, (_, k) => Math.floor(((k + 0.5) * video.durationS) / FRAMES_PER_CLIP) * fps);
      vectors.push(await embedder.embed(frames.map((f) => letterbox(renderFrame(world, video, Math.min(f, video.frameCount - 1))))));
      owner.push(...frames.map(() => c));
    }
    const dim = embedder.dim;
    const all = new Float32Array(owner.length * dim);
    vectors.reduce((offset, v) => (all.set(v, offset), offset + v.length), 0);
    const { indices } = await cosineTopK(all, dim, 1);
    const hits = owner.filter((c, i) => owner[indices[i]!] === c).length;
    const recall = hits / owner.length;
    console.log(`demo world frame retrieval: recall@1 ${recall.toFixed(3)} over ${owner.length} frames of ${clips.length} clips`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
