// Calibrates the scene-cut threshold for the default embedder: consecutive-frame cosine
// distances (1 − cos) within scenes vs across hard cuts, on videos made by native ffmpeg with
// known cuts. Frames are extracted at 1 fps, letterboxed to 224 px, as the studio samples them.
// Run: npm run bench:calibrate-scenes
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { activateBackend } from '../src/ml/backend/registry';
import { createDefaultEmbedder } from '../src/ml/embedder';
import { consecutiveDistances } from '../src/ml/similarity';
import { wasmDir } from '../tests/helpers/tfNode';

const S = 224;
const SCENE_S = 6;
// Each scene: an ffmpeg source with motion inside it (moving patterns, evolving fractals, life).
const SCENES = [
  'testsrc2=size=320x240:rate=10',
  'smptebars=size=320x240:rate=10',
  'mandelbrot=size=320x240:rate=10',
  'life=size=320x240:rate=10:mold=10:ratio=0.3',
  'testsrc=size=320x240:rate=10',
  'rgbtestsrc=size=320x240:rate=10',
  'cellauto=size=320x240:rate=10:rule=110',
  'mandelbrot=size=320x240:rate=10:start_scale=0.5',
];

function framesOf(): Uint8Array[] {
  const inputs = SCENES.flatMap((src) => ['-f', 'lavfi', '-t', String(SCENE_S), '-i', src]);
  const concat = `${SCENES.map((_, i) => `[${i}:v]`).join('')}concat=n=${SCENES.length}:v=1:a=0,fps=1,scale=${S}:${S}:force_original_aspect_ratio=decrease,pad=${S}:${S}:(ow-iw)/2:(oh-ih)/2`;
  const raw = execFileSync('ffmpeg', ['-loglevel', 'error', ...inputs, '-filter_complex', concat, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
  const n = raw.length / (S * S * 3);
  return Array.from({ length: n }, (_, i) => new Uint8Array(raw.buffer, raw.byteOffset + i * S * S * 3, S * S * 3));
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

it('scene-cut threshold calibration', { timeout: 600_000 }, async () => {
  expect((await activateBackend('wasm', { wasmPaths: wasmDir })).ok).toBe(true);
  const embedder = await createDefaultEmbedder();
  const frames = framesOf();
  const vectors = new Float32Array(frames.length * embedder.dim);
  for (let i = 0; i < frames.length; i += 8) vectors.set(await embedder.embed(frames.slice(i, i + 8)), i * embedder.dim);
  const d = [...(await consecutiveDistances(vectors, embedder.dim))];
  // Distance i is between frame i and i+1; a cut lies between frames k·SCENE_S − 1 and k·SCENE_S.
  const isCut = (i: number) => (i + 1) % SCENE_S === 0;
  const within = d.filter((_, i) => !isCut(i));
  const cuts = d.filter((_, i) => isCut(i));
  const report = {
    bench: 'calibrate-scenes',
    embedder: embedder.id,
    frames: frames.length,
    within: { n: within.length, max: Math.max(...within), p95: quantile(within, 0.95), median: quantile(within, 0.5) },
    cuts: { n: cuts.length, min: Math.min(...cuts), p05: quantile(cuts, 0.05), median: quantile(cuts, 0.5) },
    distances: d.map((x) => Number(x.toFixed(3))),
  };
  console.log(JSON.stringify(report));
  console.log(`within scenes: median ${report.within.median.toFixed(3)}, p95 ${report.within.p95.toFixed(3)}, max ${report.within.max.toFixed(3)}`);
  console.log(`across cuts:   min ${report.cuts.min.toFixed(3)}, median ${report.cuts.median.toFixed(3)}`);
});
