// A small rasterizer for the demo world: RGBA frames in pure TypeScript. Integer arithmetic per
// pixel (and only correctly rounded float ops before it), so Node and a browser worker produce
// identical bytes. A scene's background is drawn once and copied; objects are filled row by row.

import { entityOf, sceneAt } from './lookup';
import { positionAt } from './motion';
import type { BackgroundSpec, Entity, World, WorldScene, WorldVideo } from './types';
import { BACKGROUND_COLOURS, OBJECT_COLOURS, SIZE_RADIUS, type RGB } from './vocabulary';

/** What an encoder needs to know about one world video. */
export interface VideoFormat {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  durationS: number;
}

export function videoFormat(world: World, video: WorldVideo): VideoFormat {
  const { width, height, fps } = world.config;
  return { width, height, fps, frameCount: video.frameCount, durationS: video.durationS };
}

const probe = new Uint8ClampedArray(4);
const probe32 = new Uint32Array(probe.buffer);

/** One opaque RGBA pixel as a native-order uint32 (right on either endianness). */
function pack([r, g, b]: RGB): number {
  probe[0] = r;
  probe[1] = g;
  probe[2] = b;
  probe[3] = 255;
  return probe32[0] as number;
}

/** Second colour of an object's texture: darker for light colours, lighter for dark ones. */
function shade([r, g, b]: RGB): RGB {
  const luma = (r * 299 + g * 587 + b * 114) / 1000;
  if (luma > 110) return [((r * 45) / 100) | 0, ((g * 45) / 100) | 0, ((b * 45) / 100) | 0];
  const lift = (c: number): number => c + (((255 - c) * 60) / 100 | 0);
  return [lift(r), lift(g), lift(b)];
}

/** The two colours an entity is drawn in: its own, and its texture's (same as own when solid). */
export function objectPalette(e: Pick<Entity, 'colour' | 'texture'>): readonly [RGB, RGB] {
  const colour = OBJECT_COLOURS[e.colour];
  return [colour, e.texture === 'solid' ? colour : shade(colour)];
}

const backgrounds = new WeakMap<WorldScene, Uint32Array>();

/** 1 where the pattern shows the accent colour at pixel (x, y); s is the period in pixels. */
function accentAt(pattern: BackgroundSpec['pattern'], x: number, y: number, s: number, w: number, h: number): number {
  switch (pattern) {
    case 'vertical stripes':
      return ((x / s) | 0) & 1;
    case 'horizontal stripes':
      return ((y / s) | 0) & 1;
    case 'diagonal stripes':
      return (((x + y) / s) | 0) & 1;
    case 'checkerboard':
      return (((x / s) | 0) + ((y / s) | 0)) & 1;
    case 'polka dots': {
      const dx = (x % (2 * s)) - s;
      const dy = (y % (2 * s)) - s;
      return dx * dx + dy * dy < ((s * s * 36) / 100 | 0) ? 1 : 0;
    }
    case 'grid': {
      const line = Math.max(1, (s / 3) | 0);
      return x % (2 * s) < line || y % (2 * s) < line ? 1 : 0;
    }
    case 'zigzag': {
      const phase = y % (2 * s);
      return (((x + (phase < s ? phase : 2 * s - phase)) / s) | 0) & 1;
    }
    case 'bricks': {
      const shift = ((y / s) | 0) & 1 ? s : 0;
      return y % s < 2 || (x + shift) % (2 * s) < 2 ? 1 : 0;
    }
    case 'concentric squares':
      return ((Math.max(Math.abs(x - (w >> 1)), Math.abs(y - (h >> 1))) / s) | 0) & 1;
    case 'ripples': {
      const dx = x - ((w * 3) >> 3);
      const dy = y - ((h * 3) >> 3);
      return ((Math.floor(Math.sqrt(dx * dx + dy * dy)) / s) | 0) & 1;
    }
    case 'argyle': {
      const ax = Math.abs((x % (2 * s)) - s);
      const ay = Math.abs((y % (2 * s)) - s);
      return ax + ay < s ? 1 : 0;
    }
    case 'gradient':
      return 0;
  }
}

/** The scene's background, drawn once per scene and cached: [H·W] native-order RGBA. */
export function backgroundPixels(world: World, scene: WorldScene): Uint32Array {
  const cached = backgrounds.get(scene);
  if (cached) return cached;
  const { width: w, height: h } = world.config;
  const bg = scene.background;
  const px = new Uint32Array(w * h);
  const base = BACKGROUND_COLOURS[bg.base];
  const accent = BACKGROUND_COLOURS[bg.accent];
  const s = Math.max(2, Math.round(bg.scale * h));
  const offset = Math.round(bg.offset * h);
  const colours = [pack(base), pack(accent)] as const;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (bg.pattern === 'gradient') {
      // Linear blend from base (top) to accent (bottom), in whole RGB steps.
      const k = h > 1 ? y / (h - 1) : 0;
      const mix = (a: number, b: number): number => Math.round(a + (b - a) * k);
      px.fill(pack([mix(base[0], accent[0]), mix(base[1], accent[1]), mix(base[2], accent[2])]), row, row + w);
      continue;
    }
    for (let x = 0; x < w; x++) px[row + x] = colours[accentAt(bg.pattern, x + offset, y + offset, s, w, h)] as number;
  }
  backgrounds.set(scene, px);
  return px;
}

const ORIGIN = 1 << 12; // keeps texture coordinates positive for % and |0

/** Fills pixels [x0, x1] of row y with the entity's texture, anchored at its centre (cx, cy). */
function fillSpan(px: Uint32Array, w: number, y: number, x0: number, x1: number, texture: Entity['texture'], c1: number, c2: number, cx: number, cy: number, period: number): void {
  const from = Math.max(0, x0);
  const to = Math.min(w - 1, x1);
  if (to < from) return;
  const row = y * w;
  const ly = y - cy + ORIGIN;
  if (texture === 'solid') {
    px.fill(c1, row + from, row + to + 1);
    return;
  }
  const cell = 2 * period;
  const dotR2 = (cell * cell * 9) >> 6; // dot radius 3/8 of a cell
  const uy = (ly % cell) - period;
  for (let x = from; x <= to; x++) {
    const lx = x - cx + ORIGIN;
    let second: number;
    if (texture === 'striped') second = (((lx + ly) / period) | 0) & 1;
    else if (texture === 'checkered') second = (((lx / period) | 0) + ((ly / period) | 0)) & 1;
    else {
      const ux = (lx % cell) - period;
      second = ux * ux + uy * uy <= dotR2 ? 1 : 0;
    }
    px[row + x] = second ? c2 : c1;
  }
}

/** Draws one entity centred at pixel (cx, cy): per row, the shape's half-width (and ring hole). */
function drawEntity(px: Uint32Array, w: number, h: number, e: Entity, cx: number, cy: number): void {
  const r = Math.round(SIZE_RADIUS[e.size] * h);
  const [main, second] = objectPalette(e);
  const c1 = pack(main);
  const c2 = pack(second);
  const period = Math.max(2, Math.round(r / 3));
  const side = Math.round(r * 0.88);
  const hexH = Math.round(r * 0.87);
  const inner = Math.round(r * 0.55);
  const arm = Math.round(r * 0.36);
  for (let dy = -r; dy <= r; dy++) {
    const y = cy + dy;
    if (y < 0 || y >= h) continue;
    const ady = Math.abs(dy);
    let half = -1; // half-width of the row in pixels; < 0: row empty
    let hole = -1; // half-width of the ring's hole
    switch (e.shape) {
      case 'circle':
        half = r * r + r - dy * dy >= 0 ? Math.floor(Math.sqrt(r * r + r - dy * dy)) : -1;
        break;
      case 'ring':
        half = r * r + r - dy * dy >= 0 ? Math.floor(Math.sqrt(r * r + r - dy * dy)) : -1;
        hole = inner * inner + inner - dy * dy >= 0 ? Math.floor(Math.sqrt(inner * inner + inner - dy * dy)) : -1;
        break;
      case 'square':
        half = ady <= side ? side : -1;
        break;
      case 'triangle': // apex up, base 2r wide: stays inside the radius like every shape
        half = (dy + r) >> 1;
        break;
      case 'diamond':
        half = r - ady;
        break;
      case 'hexagon':
        half = ady <= hexH ? r - Math.floor((ady * r) / (2 * hexH)) : -1;
        break;
      case 'cross':
        half = ady <= arm ? r : arm;
        break;
      case 'star': // four points: concave sides (r − |dy|)² / r
        half = Math.floor(((r - ady) * (r - ady)) / r);
        break;
    }
    if (half < 0) continue;
    if (hole < 0) fillSpan(px, w, y, cx - half, cx + half, e.texture, c1, c2, cx, cy, period);
    else {
      fillSpan(px, w, y, cx - half, cx - hole - 1, e.texture, c1, c2, cx, cy, period);
      fillSpan(px, w, y, cx + hole + 1, cx + half, e.texture, c1, c2, cx, cy, period);
    }
  }
}

/** Pixel centre of an object at video time t. Positions are in frame heights. */
export function pixelCentre(world: World, keys: Parameters<typeof positionAt>[0], t: number): { x: number; y: number } {
  const p = positionAt(keys, t);
  const h = world.config.height;
  return { x: Math.round(p.x * h), y: Math.round(p.y * h) };
}

/** The objects drawn at video time t whose centre is inside the frame, with their pixel centres (ground truth for perception checks). */
export function objectsInView(world: World, video: WorldVideo, t: number): { entity: Entity; at: { x: number; y: number } }[] {
  const { width: w, height: h } = world.config;
  return sceneAt(video, t)
    .objects.filter((o) => t >= o.appearS && t < o.disappearS)
    .map((o) => ({ entity: entityOf(world, o.entityId), at: pixelCentre(world, o.keys, t) }))
    .filter(({ at }) => at.x >= 0 && at.x < w && at.y >= 0 && at.y < h);
}

/**
 * Frame `frameIndex` (at t = frameIndex / fps s) of a world video as RGBA bytes, width·height·4,
 * row-major from the top left. `out` (4-byte aligned) is reused when given.
 */
export function renderFrame(world: World, video: WorldVideo, frameIndex: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  const { width: w, height: h, fps } = world.config;
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= video.frameCount) {
    throw new RangeError(`frame ${frameIndex} is outside ${video.id} (0–${video.frameCount - 1})`);
  }
  const rgba = out ?? new Uint8ClampedArray(w * h * 4);
  if (rgba.length !== w * h * 4) throw new RangeError(`out has ${rgba.length} bytes; a ${w}×${h} RGBA frame needs ${w * h * 4}`);
  if (rgba.byteOffset % 4 !== 0) throw new RangeError('out must start at a 4-byte aligned offset');
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, w * h);
  const t = frameIndex / fps;
  const scene = sceneAt(video, t);
  px.set(backgroundPixels(world, scene));
  for (const track of scene.objects) {
    if (t < track.appearS || t >= track.disappearS) continue;
    const c = pixelCentre(world, track.keys, t);
    drawEntity(px, w, h, entityOf(world, track.entityId), c.x, c.y);
  }
  return rgba;
}

/** 32-bit FNV-1a of the bytes as 8 hex digits: compares frames across Node and browsers. */
export function frameHash(bytes: ArrayLike<number>, seed = 0x811c9dc5): string {
  let hash = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * RGBA width×height → RGB size×size, centred with black bars (what a 'contain' fit gives when one
 * side already equals `size`). Frames must fit: render the world at the embedder's size.
 */
export function letterbox(rgba: Uint8ClampedArray, width: number, height: number, size: number): Uint8Array {
  if (width > size || height > size) throw new RangeError(`a ${width}×${height} frame does not fit ${size}×${size}; render the world at most ${size} px wide and high`);
  const out = new Uint8Array(size * size * 3);
  const top = Math.floor((size - height) / 2);
  const left = Math.floor((size - width) / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const o = ((y + top) * size + x + left) * 3;
      out[o] = rgba[i]!;
      out[o + 1] = rgba[i + 1]!;
      out[o + 2] = rgba[i + 2]!;
    }
  }
  return out;
}

/**
 * A w×h RGBA frame scaled to fit size×size (keeping its aspect, bilinear, pixel centres aligned)
 * and centred on black, as RGB: what the browser's import hands the embedders (mediabunny's
 * CanvasSink with fit 'contain' draws the decoded frame this way), where `letterbox` is what the
 * CLI hands them. A 160×120 demo frame becomes 224×168, and every edge a blend of two colours.
 */
export function letterboxScaled(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, size: number): Uint8Array {
  const k = Math.min(size / width, size / height);
  const sw = Math.round(width * k);
  const sh = Math.round(height * k);
  const top = Math.floor((size - sh) / 2);
  const left = Math.floor((size - sw) / 2);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < sh; y++) {
    const fy = Math.max(0, Math.min(height - 1, (y + 0.5) / k - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < sw; x++) {
      const fx = Math.max(0, Math.min(width - 1, (x + 0.5) / k - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top0 = rgba[(y0 * width + x0) * 4 + c]! * (1 - tx) + rgba[(y0 * width + x1) * 4 + c]! * tx;
        const bottom = rgba[(y1 * width + x0) * 4 + c]! * (1 - tx) + rgba[(y1 * width + x1) * 4 + c]! * tx;
        out[((y + top) * size + x + left) * 3 + c] = Math.round(top0 * (1 - ty) + bottom * ty);
      }
    }
  }
  return out;
}
