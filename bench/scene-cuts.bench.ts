// Where the scene cut should look in object tokens: consecutive-frame distances of the full demo
// world's long videos (seed 42) on three views of each frame's tokens: every token (what the cut
// read up to v3), the frame token, and the frame token's background colour histogram alone (every
// scene of the demo world has its own background; objects move and recur across scenes). Each view
// is measured on frames rendered in Node (as `npx longvpo demo` embeds them) and, when
// bench/out/scene-tokens-browser.json exists (bench/scene-tokens-browser.mjs), on the same videos
// decoded in Chromium from the WebM the studio encodes. Against the world's true scene starts:
// distances within a scene and across a cut, scenes found at the default threshold, cuts matched
// (±1 frame). Prints JSON and a table.
//
// Run: npm run bench:scene-cuts      (the browser dump first, then this)
import { existsSync, readFileSync } from 'node:fs';
import { it } from 'vitest';
import { detectScenes } from '../src/core/clips';
import { DEMO_SIZES } from '../src/core/demo';
import { BACKGROUND_HISTOGRAM_DIMS, OBJECT_TOKEN_DIM, objectTokens } from '../src/core/objectTokens';
import { DEFAULT_PIPELINE } from '../src/core/pipeline';
import { buildWorld, letterbox, renderFrame, type WorldVideo } from '../src/core/world';

const SIZE = 224;
const DUMP = 'bench/out/scene-tokens-browser.json';

const VIEWS: Record<string, (v: Float32Array) => Float32Array> = {
  'all tokens': (v) => v,
  'frame token': (v) => v.subarray(0, OBJECT_TOKEN_DIM),
  background: (v) => v.subarray(...BACKGROUND_HISTOGRAM_DIMS),
};

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  if (aa === 0 || bb === 0) return aa === bb ? 0 : 1;
  return 1 - ab / Math.sqrt(aa * bb);
}

const q = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function measure(video: WorldVideo, frames: Float32Array[]) {
  const fps = DEFAULT_PIPELINE.fps;
  const cuts = new Set(video.scenes.slice(1).map((s) => Math.round(s.startS * fps)));
  return Object.entries(VIEWS).map(([view, pick]) => {
    const vs = frames.map(pick);
    const d = vs.slice(1).map((b, i) => cosineDistance(vs[i]!, b));
    const within = d.filter((_, i) => !cuts.has(i + 1)).sort((a, b) => a - b);
    const across = d.filter((_, i) => cuts.has(i + 1));
    const found = detectScenes(d, fps, { threshold: DEFAULT_PIPELINE.sceneThreshold, minSceneS: DEFAULT_PIPELINE.minSceneS });
    const starts = new Set(found.slice(1).map((s) => s.frameStart));
    const matched = [...cuts].filter((c) => starts.has(c) || starts.has(c - 1) || starts.has(c + 1)).length;
    return { view, truth: video.scenes.length, found: found.length, matched, cuts: cuts.size, withinP95: r3(q(within, 0.95)), withinMax: r3(within.at(-1) ?? 0), acrossMin: r3(Math.min(...across)) };
  });
}

it('scene cuts on object tokens: rendered and decoded frames', { timeout: 1_800_000 }, () => {
  const seed = 42;
  // The CLI renders straight at the letterbox (224×168); the browser world is 160×120, encoded and scaled on decode.
  const world = buildWorld({ ...DEMO_SIZES.full.config, seed, width: SIZE, height: (SIZE * 3) / 4 });
  const longs = world.videos.filter((v) => v.kind === 'long');
  const rows: Record<string, string | number>[] = [];
  const out: Record<string, unknown>[] = [];
  const fpsRatio = world.config.fps / DEFAULT_PIPELINE.fps;
  for (const video of longs) {
    const frames: Float32Array[] = [];
    const count = Math.ceil(video.durationS * DEFAULT_PIPELINE.fps - 1e-9);
    for (let i = 0; i < count; i++) frames.push(objectTokens(letterbox(renderFrame(world, video, Math.round(i * fpsRatio)), world.config.width, world.config.height, SIZE), SIZE));
    for (const m of measure(video, frames)) out.push({ source: 'node (rendered)', video: video.fileName, ...m });
  }
  if (existsSync(DUMP)) {
    const dump = JSON.parse(readFileSync(DUMP, 'utf8')) as { seed: number; videos: { name: string; dim: number; frames: number[] }[] };
    if (dump.seed !== seed) throw new Error(`${DUMP} is of seed ${dump.seed}, not ${seed}`);
    for (const v of dump.videos) {
      const video = longs.find((l) => l.fileName === v.name);
      if (!video) throw new Error(`${v.name} is not a long video of world ${seed}`);
      const frames = Array.from({ length: v.frames.length / v.dim }, (_, i) => Float32Array.from(v.frames.slice(i * v.dim, (i + 1) * v.dim)));
      for (const m of measure(video, frames)) out.push({ source: 'chromium (decoded WebM)', video: v.name, ...m });
    }
  } else console.log(`${DUMP} missing: Node frames only (node bench/scene-tokens-browser.mjs after a build makes it)`);
  for (const o of out) rows.push({ source: String(o.source).split(' ')[0]!, video: String(o.video).replace(/^world-s\d+-/, '').replace(/\.webm$/, ''), view: String(o.view), truth: Number(o.truth), found: Number(o.found), 'cuts matched': `${String(o.matched)}/${String(o.cuts)}`, 'within p95': Number(o.withinP95), 'within max': Number(o.withinMax), 'across min': Number(o.acrossMin) });
  console.log(JSON.stringify({ seed, threshold: DEFAULT_PIPELINE.sceneThreshold, results: out }));
  console.table(rows);
});
