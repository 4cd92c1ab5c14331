// bench/objects-decoded: does the object tokens' segmentation (src/core/segmentFrame.ts) see the
// demo world through the browser's import as well as through the CLI's rendered frames? The CLI
// embeds rendered frames letterboxed at their own 160×120; the browser encodes the world to WebM
// (VP8 at ~0.4 bit per pixel per frame, src/media/encodeVideo.ts), decodes it and scales each
// frame to fit 224×224 (mediabunny's CanvasSink, fit 'contain'). Here every short clip of a full
// demo world goes through the same steps in Node — libvpx through the ffmpeg CLI stands in for
// Chromium's WebCodecs encoder (same library, not the same settings), `letterboxScaled` for the
// canvas — and frames every 3 s are scored against the world's ground truth as bench:objects
// does (count right, objects found, colour right); and each frame's object tokens are compared
// with the rendered frame's, token by token (cosine; the background token, then the object slots:
// an empty slot against a filled one counts 0, two empty ones are left out).
//
// Needs the ffmpeg command line tool (Debian: apt-get install ffmpeg); not part of npm test.
// Run: npm run bench:objects-decoded        (SEED=42 by default; CLIPS=60 short clips)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { OBJECT_TOKEN_DIM, OBJECT_TOKENS, objectTokens, tokensOfSegmentation } from '../src/core/objectTokens';
import { cosine } from '../src/core/reference/similarity';
import { emptyScore, scoreFrame } from '../src/core/segmentationScore';
import { segmentFrame } from '../src/core/segmentFrame';
import { buildWorld, letterbox, letterboxScaled, renderFrame } from '../src/core/world';
import { objectsInView } from '../src/core/world/raster';

const SIZE = 224;
const filled = (v: Float32Array): boolean => v.some((x) => x !== 0);
const dir = mkdtempSync(join(tmpdir(), 'objects-decoded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Frames through VP8 and back (RGBA), as the demo's encoder and a decoder would. */
function throughVp8(frames: Uint8ClampedArray[], w: number, h: number, fps: number, bitsPerPixel: number): Uint8Array[] {
  const raw = join(dir, 'in.rgba');
  const webm = join(dir, 'v.webm');
  const decoded = join(dir, 'out.rgba');
  writeFileSync(raw, Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))));
  const bitrate = String(Math.round(w * h * fps * bitsPerPixel));
  const ffmpeg = (args: string[]): void => {
    try {
      execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...args]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('bench:objects-decoded needs the ffmpeg command line tool: apt-get install ffmpeg', { cause: e });
      throw e;
    }
  };
  ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${w}x${h}`, '-r', String(fps), '-i', raw, '-c:v', 'libvpx', '-b:v', bitrate, '-g', String(2 * fps), '-pix_fmt', 'yuv420p', '-deadline', 'realtime', '-cpu-used', '8', webm]);
  ffmpeg(['-i', webm, '-f', 'rawvideo', '-pix_fmt', 'rgba', decoded]);
  const buf = readFileSync(decoded);
  const n = w * h * 4;
  return frames.map((_, i) => new Uint8Array(buf.buffer, buf.byteOffset + i * n, n));
}

it('object segmentation: rendered frames against decoded and rescaled ones', () => {
  const seed = Number(process.env.SEED ?? 42);
  const world = buildWorld({ seed });
  const { width: w, height: h, fps } = world.config;
  const videos = world.videos.filter((v) => v.kind !== 'long').slice(0, Number(process.env.CLIPS ?? 60));
  // The rendered frame's tokens, what every condition's are compared with: once per frame.
  const references = new Map<string, Float32Array>();
  const referenceTokens = (video: string, f: number, frame: Uint8ClampedArray): Float32Array => {
    const key = `${video}#${f}`;
    let v = references.get(key);
    if (!v) references.set(key, (v = objectTokens(letterbox(frame, w, h, SIZE), SIZE)));
    return v;
  };
  const conditions = [
    { name: 'rendered, letterboxed (the CLI)', vp8: null, scaled: false },
    { name: 'rendered, scaled to fit', vp8: null, scaled: true },
    { name: 'VP8 0.4 bpp, letterboxed', vp8: 0.4, scaled: false },
    { name: 'VP8 0.4 bpp, scaled (≈ the browser)', vp8: 0.4, scaled: true },
    { name: 'VP8 2 bpp, scaled', vp8: 2, scaled: true },
  ];
  const rows = conditions.map(({ name, vp8, scaled }) => {
    const s = emptyScore();
    const t0 = performance.now();
    let segmentMs = 0;
    const cos = Array.from({ length: OBJECT_TOKENS }, () => ({ sum: 0, n: 0 }));
    for (const video of videos) {
      const rendered = Array.from({ length: video.frameCount }, (_, f) => renderFrame(world, video, f));
      const frames = vp8 === null ? rendered : throughVp8(rendered, w, h, fps, vp8);
      for (let f = 0; f < video.frameCount; f += 3 * fps) {
        const rgb = (scaled ? letterboxScaled : letterbox)(frames[f] as Uint8ClampedArray, w, h, SIZE);
        const t = performance.now();
        const seg = segmentFrame(rgb, SIZE);
        segmentMs += performance.now() - t;
        const objects = seg?.objects ?? [];
        const mine = tokensOfSegmentation(rgb, SIZE, seg);
        const reference = referenceTokens(video.id, f, rendered[f] as Uint8ClampedArray);
        for (let t = 0; t < OBJECT_TOKENS; t++) {
          const a = mine.subarray(t * OBJECT_TOKEN_DIM, (t + 1) * OBJECT_TOKEN_DIM);
          const b = reference.subarray(t * OBJECT_TOKEN_DIM, (t + 1) * OBJECT_TOKEN_DIM);
          if (!filled(a) && !filled(b)) continue;
          // An empty slot against a filled one counts 0 (cosine of a zero vector).
          cos[t]!.sum += cosine(a, b);
          cos[t]!.n++;
        }
        scoreFrame(world, objects, objectsInView(world, video, f / fps), s);
      }
    }
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    return { condition: name, frames: s.frames, count_right: r3(s.countRight / s.frames), found: r3(s.found / s.inView), colour_right: r3(s.colourRight / s.found), token_cosine: cos.map((c) => (c.n > 0 ? r3(c.sum / c.n) : null)), segment_ms_per_frame: r3(segmentMs / s.frames), seconds: Math.round((performance.now() - t0) / 100) / 10 };
  });
  console.log(JSON.stringify({ bench: 'objects-decoded', seed, clips: videos.length, rows }, null, 2));
  console.table(rows.map(({ condition, count_right, found, colour_right, token_cosine, segment_ms_per_frame }) => ({ condition, count_right, found, colour_right, cos_background: token_cosine[0], cos_objects: token_cosine.slice(1).join(' '), segment_ms_per_frame })));
}, 3_600_000);
