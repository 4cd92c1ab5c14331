// Calibrates the Stage 1 visual-similarity threshold (DEFAULT_SIMILARITY_THRESHOLD in
// src/core/synthesis/stage1.ts) for the default embedder on the default demo world (seed 42).
// Clips as the studio segments them: short videos whole, long videos in 8-s clips. A few frames of
// each clip are rendered, letterboxed to 224 px, embedded on wasm, and averaged into an
// L2-normalised clip embedding (as SpanMeans does). Clip pairs are labelled from the world's
// ground truth:
//   same_scene      same video, same scene (same background): near-duplicates;
//   shared_object   same long video, different scenes, a recurring object in both: look-alikes;
//   unrelated_video same long video, nothing in common;
//   other_video     different videos: Stage 1's distractor candidates (nothing in common here).
// A threshold should remove most look-alikes (cos > t) while keeping nearly every candidate.
// Run: npx vitest run --config bench/vitest.bench.config.ts bench/calibrate-stage1.bench.ts
import { expect, it } from 'vitest';
import { fixedClips } from '../src/core/clips';
import { buildWorld, describeSpan, letterbox as letterboxTo, renderFrame, type World, type WorldVideo } from '../src/core/world';
import { activateBackend } from '../src/ml/backend/registry';
import { createDefaultEmbedder, DEFAULT_EMBEDDER_SPEC } from '../src/ml/embedder';
import { cosineMatrix } from '../src/ml/similarity';
import { wasmDir } from '../tests/helpers/tfNode';

const S = DEFAULT_EMBEDDER_SPEC.inputSize;
const W = S;
const H = (S * 3) / 4;
const FRAMES_PER_CLIP = 3;
const CLIP_S = 8;
const SLOTS = 8; // default composite: 256 frames / 32 per clip
type PairClass = 'same_scene' | 'shared_object' | 'unrelated_video' | 'other_video';

interface CalClip {
  video: WorldVideo;
  startS: number;
  endS: number;
  backgrounds: Set<string>;
  entities: Set<string>;
}

const letterbox = (rgba: Uint8ClampedArray) => letterboxTo(rgba, W, H, S);

function clipsOf(world: World): CalClip[] {
  return world.videos.flatMap((video) =>
    (video.kind === 'short' ? [{ startS: 0, endS: video.durationS }] : fixedClips(Math.round(video.durationS), 1, CLIP_S)).map(({ startS, endS }) => {
      const facts = describeSpan(world, video, startS, endS);
      return { video, startS, endS, backgrounds: new Set(facts.backgrounds.map((b) => b.background.id)), entities: new Set(facts.objects.map((o) => o.entityId)) };
    }),
  );
}

function classOf(a: CalClip, b: CalClip): PairClass {
  const shares = <T>(x: Set<T>, y: Set<T>) => [...x].some((v) => y.has(v));
  if (a.video !== b.video) return 'other_video';
  if (shares(a.backgrounds, b.backgrounds)) return 'same_scene';
  return shares(a.entities, b.entities) ? 'shared_object' : 'unrelated_video';
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Number(x.toFixed(3));
  return { n: s.length, min: r(s[0] ?? NaN), p05: r(quantile(s, 0.05)), p50: r(quantile(s, 0.5)), p95: r(quantile(s, 0.95)), p99: r(quantile(s, 0.99)), max: r(s[s.length - 1] ?? NaN) };
};

it('stage1 similarity-threshold calibration', { timeout: 900_000 }, async () => {
  expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  const embedder = await createDefaultEmbedder();
  const world = buildWorld({ width: W, height: H });
  const clips = clipsOf(world);
  const t0 = performance.now();
  const dim = embedder.dim;
  const clipVectors = new Float32Array(clips.length * dim);
  for (const [c, clip] of clips.entries()) {
    const fps = world.config.fps;
    const frames = Array.from({ length: FRAMES_PER_CLIP }, (_, k) => Math.min(clip.video.frameCount - 1, Math.floor((clip.startS + ((k + 0.5) * (clip.endS - clip.startS)) / FRAMES_PER_CLIP) * fps)));
    const v = await embedder.embed(frames.map((f) => letterbox(renderFrame(world, clip.video, f))));
    for (let k = 0; k < FRAMES_PER_CLIP; k++) for (let d = 0; d < dim; d++) clipVectors[c * dim + d]! += v[k * dim + d]!;
  }
  const embedMs = performance.now() - t0;
  const cos = await cosineMatrix(clipVectors, clipVectors, dim); // [n, n], rows normalised inside
  const n = clips.length;

  const byClass: Record<PairClass, number[]> = { same_scene: [], shared_object: [], unrelated_video: [], other_video: [] };
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) byClass[classOf(clips[i]!, clips[j]!)].push(cos[i * n + j]!);

  // For each threshold: share of look-alikes removed, share of candidates removed, and the fewest
  // candidates (other-video clips under the threshold) any anchor keeps.
  const lookAlikes = [...byClass.same_scene, ...byClass.shared_object];
  const grid = Array.from({ length: 71 }, (_, k) => Number((0.25 + k * 0.01).toFixed(2)));
  const sweep = grid.map((t) => {
    let fewest = Infinity;
    for (let i = 0; i < n; i++) {
      let kept = 0;
      for (let j = 0; j < n; j++) if (clips[j]!.video !== clips[i]!.video && cos[i * n + j]! <= t) kept++;
      fewest = Math.min(fewest, kept);
    }
    const above = (xs: number[]) => xs.filter((x) => x > t).length / Math.max(1, xs.length);
    return {
      t,
      sameSceneRemoved: Number(above(byClass.same_scene).toFixed(3)),
      sharedObjectRemoved: Number(above(byClass.shared_object).toFixed(3)),
      lookAlikesRemoved: Number(above(lookAlikes).toFixed(3)),
      candidatesRemoved: Number(above(byClass.other_video).toFixed(4)),
      fewestCandidates: fewest,
    };
  });
  // Rule (docs/stage1.md): the lowest threshold that removes ≤ 1% of candidate distractors and
  // leaves every anchor at least 10× the distractors a default composite needs.
  const chosen = sweep.find((s) => s.candidatesRemoved <= 0.01 && s.fewestCandidates >= 10 * (SLOTS - 1));

  const report = {
    bench: 'calibrate-stage1',
    embedder: embedder.id,
    world: { seed: world.config.seed, clips: n, framesPerClip: FRAMES_PER_CLIP, clipS: CLIP_S },
    embedMs: Math.round(embedMs),
    pairs: Object.fromEntries(Object.entries(byClass).map(([k, xs]) => [k, summary(xs)])),
    chosen,
    sweep: sweep.filter((s) => Math.round(s.t * 100) % 5 === 0 || (s.t >= 0.8 && s.t <= 0.9)),
  };
  console.log(JSON.stringify(report));
  console.log(
    Object.entries(report.pairs)
      .map(([k, s]) => `${k.padEnd(16)} n=${String(s.n).padEnd(6)} p05 ${s.p05}  median ${s.p50}  p95 ${s.p95}  max ${s.max}`)
      .join('\n'),
  );
  console.log(`chosen threshold: ${JSON.stringify(chosen)}`);
  embedder.dispose();
});
