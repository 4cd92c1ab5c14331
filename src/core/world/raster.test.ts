import { describe, expect, it } from 'vitest';
import { buildWorld, frameHash, letterboxScaled, renderFrame, videoFormat, type World, type WorldVideo } from './index';
import { entityOf, sceneAt } from './lookup';
import { backgroundPixels, objectPalette, pixelCentre } from './raster';
import { BACKGROUND_COLOURS, SIZE_RADIUS } from './vocabulary';

const world = buildWorld();
const { width: W, height: H, fps } = world.config;
const rgbAt = (f: Uint8ClampedArray, x: number, y: number): number[] => [...f.subarray((y * W + x) * 4, (y * W + x) * 4 + 3)];

/** Object boxes (centre ± radius + 1 px) visible in a frame. */
function boxes(video: WorldVideo, frame: number) {
  const t = frame / fps;
  const scene = sceneAt(video, t);
  return scene.objects
    .filter((o) => t >= o.appearS && t < o.disappearS)
    .map((o) => {
      const e = entityOf(world, o.entityId);
      return { e, c: pixelCentre(world, o.keys, t), r: Math.round(SIZE_RADIUS[e.size] * H) + 1 };
    });
}

describe('renderFrame', () => {
  it('gives RGBA frames of width×height×4 and what an encoder needs', () => {
    const v = world.videos[0] as WorldVideo;
    const f = renderFrame(world, v, 0);
    expect(f).toBeInstanceOf(Uint8ClampedArray);
    expect(f).toHaveLength(W * H * 4);
    expect(videoFormat(world, v)).toEqual({ width: 160, height: 120, fps: 4, frameCount: v.durationS * 4, durationS: v.durationS });
    for (let i = 3; i < f.length; i += 4) if (f[i] !== 255) throw new Error(`alpha ${f[i]} at byte ${i}`);
    expect(() => renderFrame(world, v, v.frameCount)).toThrow(RangeError);
    expect(() => renderFrame(world, v, 0, new Uint8ClampedArray(10))).toThrow(/needs/);
  });

  it('shows the background colours wherever no object is', () => {
    for (const v of [world.videos[0], world.videos[5], world.videos[61]] as WorldVideo[]) {
      const frame = v.frameCount >> 1;
      const f = renderFrame(world, v, frame);
      const scene = sceneAt(v, frame / fps);
      const bg = backgroundPixels(world, scene);
      const u32 = new Uint32Array(f.buffer);
      const objects = boxes(v, frame);
      let checked = 0;
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          if (objects.some((o) => Math.abs(x - o.c.x) <= o.r && Math.abs(y - o.c.y) <= o.r)) continue;
          expect(u32[y * W + x]).toBe(bg[y * W + x]);
          checked++;
        }
      expect(checked).toBeGreaterThan(W * H * 0.3);
      if (scene.background.pattern !== 'gradient') {
        const allowed = [BACKGROUND_COLOURS[scene.background.base], BACKGROUND_COLOURS[scene.background.accent]].map((c) => c.join());
        expect(allowed).toContain(rgbAt(f, 0, 0).join());
      }
    }
  });

  it("draws each visible object in its colours at its position, and nothing where it has gone", () => {
    for (const v of world.videos.slice(0, 20)) {
      for (const frame of [0, v.frameCount - 1]) {
        const f = renderFrame(world, v, frame);
        for (const { e, c, r } of boxes(v, frame)) {
          const [main, second] = objectPalette(e).map((p) => p.join());
          // A ring's centre is its hole: look at its band instead.
          const x = e.shape === 'ring' ? c.x + Math.round((r - 1) * 0.8) : c.x;
          expect([main, second]).toContain(rgbAt(f, x, c.y).join());
        }
      }
    }
    // An object that disappears early is drawn before and not after.
    const track = world.videos.flatMap((v) => v.scenes.flatMap((s) => s.objects.map((o) => ({ v, s, o })))).find(({ o, s }) => o.disappearS < s.endS);
    expect(track).toBeDefined();
    const { v, o } = track!;
    const before = (o.disappearS - 1) * fps;
    const after = o.disappearS * fps;
    const e = entityOf(world, o.entityId);
    const at = pixelCentre(world, o.keys, o.disappearS);
    const x = e.shape === 'ring' ? at.x + Math.round(SIZE_RADIUS[e.size] * H * 0.8) : at.x;
    const palette = objectPalette(e).map((p) => p.join());
    expect(palette).toContain(rgbAt(renderFrame(world, v, before), pixelCentre(world, o.keys, before / fps).x + x - at.x, pixelCentre(world, o.keys, before / fps).y).join());
    const afterFrame = renderFrame(world, v, after);
    const bg = backgroundPixels(world, sceneAt(v, after / fps));
    expect(new Uint32Array(afterFrame.buffer)[at.y * W + x]).toBe(bg[at.y * W + x]);
  });

  it('reuses the output buffer and gives the same bytes every time', () => {
    const v = world.videos[61] as WorldVideo;
    const out = new Uint8ClampedArray(W * H * 4);
    expect(renderFrame(world, v, 700, out)).toBe(out);
    const first = frameHash(out);
    renderFrame(world, v, 3, out);
    expect(frameHash(renderFrame(world, v, 700, out))).toBe(first);
  });

  it('matches the golden frame hashes for seed 1 (the browser test computes the same)', () => {
    const w1 = buildWorld({ seed: 1 });
    const short = w1.videos[0] as WorldVideo;
    const long = w1.videos[60] as WorldVideo;
    expect(frameHash(new TextEncoder().encode('foobar'))).toBe('bf9cf968'); // published FNV-1a test vector
    expect([frameHash(renderFrame(w1, short, 0)), frameHash(renderFrame(w1, long, 500))]).toEqual(['f996baa3', 'ae1c4525']);
  });

  it('renders the whole default world quickly (timing printed)', () => {
    const out = new Uint8ClampedArray(W * H * 4);
    const started = performance.now();
    let frames = 0;
    let hash = 0x811c9dc5;
    for (const v of world.videos)
      for (let i = 0; i < v.frameCount; i++) {
        renderFrame(world, v, i, out);
        frames++;
        if (i % 97 === 0) hash = parseInt(frameHash(out, hash), 16);
      }
    const ms = performance.now() - started;
    const seconds = world.videos.reduce((s, v) => s + v.durationS, 0);
    console.log(`demo world: ${world.videos.length} videos, ${seconds} s, ${frames} frames at ${fps} fps, ${W}×${H}: rendered in ${ms.toFixed(0)} ms (${((frames / ms) * 1000).toFixed(0)} frames/s)`);
    expect(frames).toBe(world.videos.reduce((s, v) => s + v.frameCount, 0));
    expect(hash.toString(16)).toBe('d8e40cd6');
  });
});

/** Frames of one clip must be nearer each other than to other clips (a cheap proxy for the image embedder). */
describe('visual distinctness', () => {
  /** Colour histogram (4 levels per channel, 64 bins), square-rooted and L2-normalised (Hellinger). */
  function thumbnail(world: World, v: WorldVideo, frame: number): Float64Array {
    const f = renderFrame(world, v, frame);
    const bins = new Float64Array(64);
    for (let i = 0; i < f.length; i += 4) bins[(f[i]! >> 6) * 16 + (f[i + 1]! >> 6) * 4 + (f[i + 2]! >> 6)]! += 1;
    const root = bins.map(Math.sqrt);
    const norm = Math.sqrt(root.reduce((a, b) => a + b * b, 0));
    return root.map((c) => c / norm);
  }

  it('puts every sampled frame of a short clip or scene nearest to its own clip', () => {
    const units = world.videos.flatMap((v) => v.scenes.map((s) => ({ v, s })));
    const samples = units.flatMap(({ v, s }, unit) =>
      [0.1, 0.5, 0.9].map((q) => ({ unit, vec: thumbnail(world, v, Math.floor((s.startS + q * (s.endS - s.startS)) * fps)) })),
    );
    let wrong = 0;
    for (const a of samples) {
      let best = -Infinity;
      let bestUnit = -1;
      for (const b of samples) {
        if (a === b) continue;
        let dot = 0;
        for (let i = 0; i < a.vec.length; i++) dot += a.vec[i]! * b.vec[i]!;
        if (dot > best) [best, bestUnit] = [dot, b.unit];
      }
      if (bestUnit !== a.unit) wrong++;
    }
    expect(wrong / samples.length).toBeLessThan(0.01);
  });
});

describe('letterboxScaled', () => {
  it('scales a 160×120 frame to 224×168 centred on black, keeping flat colours and blending edges', () => {
    const w = 160;
    const h = 120;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set(i % w < 80 ? [200, 20, 20, 255] : [20, 20, 200, 255], i * 4);
    const out = letterboxScaled(rgba, w, h, 224);
    const px = (x: number, y: number): number[] => Array.from(out.subarray((y * 224 + x) * 3, (y * 224 + x) * 3 + 3));
    expect(px(100, 27)).toEqual([0, 0, 0]); // bar above (168 rows from y = 28)
    expect(px(100, 196)).toEqual([0, 0, 0]); // bar below
    expect(px(10, 28)).toEqual([200, 20, 20]);
    expect(px(220, 195)).toEqual([20, 20, 200]);
    const seam = px(112, 100); // the edge at x = 80 → 112: a blend of the two
    expect(seam[0]).toBeGreaterThan(20);
    expect(seam[0]).toBeLessThan(200);
  });
});
