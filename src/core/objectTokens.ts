// Object tokens from pixels (issue #13): a frame → one token for the background and one per
// object, found by segmentation instead of by a CNN. The demo study showed that the pooled CNN
// features do not keep which object is which colour and shape, so the small policy cannot read a
// clip's answer from them, while the oracle `fact-tokens` (written from the world's ground truth)
// can (docs/results.md). This is the same token layout measured from the pixels alone — no world,
// no palette, no names — so it runs on imported videos too (where it sees "coloured blobs on a
// textured background" and nothing more). Pure and deterministic; plain JS, no tensors.
//
// Per frame:
// 1. The content box: uniform near-black rows and columns at the edges (letterbox bars) are cut.
// 2. Background colours: every pixel's colour is quantised (8 levels per channel); a quantised
//    colour is background when it is spread across the frame — present in at least 5 of the 6
//    cells of two rows of a 6×4 grid, or in all 6 cells of one. Objects are compact (at most ~3
//    cells wide, so two of one colour side by side fill 5 cells of a row at most), a background's
//    base and accent colours span the frame (a pattern) or whole rows (a gradient's bands).
// 3. Objects: the other pixels, grouped by 8-connectivity after a 2-pixel dilation (so the
//    stripes and dots of a textured object whose second colour matches the background stay one
//    object), each group keeping only its own foreground pixels, then parted by colour where two
//    objects touch; groups smaller than 0.8% of the content area are noise, groups 80% of its
//    width wide are background bands. Largest first; the first OBJECT_SLOTS are kept.
// 4. Tokens, each OBJECT_TOKEN_DIM wide:
//    - token 0, the frame: the background pixels' 64-bin colour histogram (Hellinger), the rate of
//      colour changes between background neighbours along →, ↓, ↘ and ↗ (what tells stripes
//      from checks from dots), and the object count one-hot (0 … 8+);
//    - tokens 1 … OBJECT_SLOTS, one per object: its pixels' 64-bin histogram, its mask's 5×5
//      occupancy over its bounding box (the shape), size (√area), width, height, fill ratio,
//      centroid, and its internal colour-change rates (texture).
//    Each non-empty token is scaled to length 1/√OBJECT_TOKENS, as the fact tokens are, so a frame
//    is at most a unit vector; a clip is the L2-normalised mean of its frames (src/core/clips.ts).

import { colourHistogram } from './colourHistogram';

/** Embedder id of the pixel object tokens; bump the version when the layout or the segmentation changes. */
export const OBJECT_TOKENS_ID = 'pixels:object-tokens-v1';
/** Object tokens per frame; one more token holds the background. */
export const OBJECT_SLOTS = 5;
/** Visual tokens per clip. */
export const OBJECT_TOKENS = OBJECT_SLOTS + 1;
/** Levels per channel of the segmentation's colour quantisation (8³ colours). */
const SEGMENT_LEVELS = 8;
/** Levels per channel of the tokens' colour histograms (4³ = 64 bins, as the other built-in histograms). */
const HIST_LEVELS = 4;
const HIST_BINS = HIST_LEVELS ** 3;
const GRID_COLS = 6;
const GRID_ROWS = 4;
/** A colour is present in a grid cell when it covers this share of the cell. */
const CELL_PRESENCE = 0.02;
/** Cells of a grid row a colour must be present in, in two rows, to count as background (or in all of one row). */
const SPREAD_CELLS = 5;
/** Dilation radius (pixels, at 120 px content height; scaled with the frame) that joins a textured object's pieces. */
const JOIN_RADIUS_AT_120 = 2;
/** Widest object, as a share of the content width (the demo's largest is 0.3). */
const MAX_OBJECT_WIDTH = 0.8;
/** Smallest object, as a share of the content area. */
const MIN_OBJECT_SHARE = 0.008;
/** Occupancy grid of an object's bounding box. */
const SHAPE_GRID = 5;
/** Object counts the frame token tells apart; more land in the last slot. */
const MAX_COUNT = 8;
/** A bar pixel: no channel above this. */
const BAR_MAX = 16;

// Token layouts.
const OBJ_HIST = 0;
const OBJ_SHAPE = OBJ_HIST + HIST_BINS;
const OBJ_SCALARS = OBJ_SHAPE + SHAPE_GRID * SHAPE_GRID; // size, width, height, fill, x, y, 4 texture rates
const OBJ_END = OBJ_SCALARS + 10;
const BG_HIST = 0;
const BG_RATES = BG_HIST + HIST_BINS;
const BG_COUNT = BG_RATES + 4;
const BG_END = BG_COUNT + MAX_COUNT + 1;
/** Width of every object token (zero-padded). */
export const OBJECT_TOKEN_DIM = Math.max(OBJ_END, BG_END);

/** A found object: what the tokens are made of, and what the tests and the review check. */
export interface FoundObject {
  /** Foreground pixels, content-box coordinates, y·width + x. */
  area: number;
  /** Bounding box in content-box pixels, inclusive. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Centroid, as fractions of the content box's width and height. */
  cx: number;
  cy: number;
  /** Mean RGB of the object's most frequent quantised colour (its own colour, not its texture's). */
  colour: [number, number, number];
}

export interface Segmentation {
  /** The content box inside the frame: [x0, x1) × [y0, y1). */
  box: { x0: number; x1: number; y0: number; y1: number };
  /** Every content pixel's colour quantised to 8 levels per channel (row-major). */
  colours: Uint16Array;
  /** 1 for the background, 0 for objects, over the content box (row-major). */
  background: Uint8Array;
  /** Object of each content pixel: 0 for none, k + 1 for objects[k] before the slot cut. */
  labels: Int32Array;
  /** Every object found, largest first. */
  objects: FoundObject[];
}

const isBar = (rgb: Uint8Array, i: number): boolean => (rgb[i] as number) <= BAR_MAX && (rgb[i + 1] as number) <= BAR_MAX && (rgb[i + 2] as number) <= BAR_MAX;

/** The frame without its letterbox bars (uniform near-black edge rows and columns). */
function contentBox(rgb: Uint8Array, size: number): Segmentation['box'] | null {
  const rowBar = (y: number): boolean => {
    for (let x = 0; x < size; x++) if (!isBar(rgb, (y * size + x) * 3)) return false;
    return true;
  };
  let y0 = 0;
  let y1 = size;
  while (y0 < size && rowBar(y0)) y0++;
  if (y0 === size) return null;
  while (y1 > y0 && rowBar(y1 - 1)) y1--;
  const colBar = (x: number): boolean => {
    for (let y = y0; y < y1; y++) if (!isBar(rgb, (y * size + x) * 3)) return false;
    return true;
  };
  let x0 = 0;
  let x1 = size;
  while (x0 < size && colBar(x0)) x0++;
  while (x1 > x0 && colBar(x1 - 1)) x1--;
  return { x0, x1, y0, y1 };
}

function quantise(r: number, g: number, b: number, levels: number): number {
  return (((r * levels) >> 8) * levels + ((g * levels) >> 8)) * levels + ((b * levels) >> 8);
}

/** Segments a size×size RGB frame (3 bytes per pixel) into background and objects. */
export function segmentFrame(rgb: Uint8Array, size: number): Segmentation | null {
  if (rgb.length !== size * size * 3) throw new RangeError(`a frame has ${rgb.length} bytes; expected ${size}×${size}×3`);
  const box = contentBox(rgb, size);
  if (!box) return null;
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const n = w * h;
  const colours = new Uint16Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = ((y + box.y0) * size + x + box.x0) * 3;
      colours[y * w + x] = quantise(rgb[i] as number, rgb[i + 1] as number, rgb[i + 2] as number, SEGMENT_LEVELS);
    }
  }
  // Background colours: spread across some row of the grid.
  const bins = SEGMENT_LEVELS ** 3;
  const cellCounts = new Uint32Array(GRID_ROWS * GRID_COLS * bins);
  const cellArea = new Uint32Array(GRID_ROWS * GRID_COLS);
  for (let y = 0; y < h; y++) {
    const gr = Math.min(GRID_ROWS - 1, Math.floor((y * GRID_ROWS) / h));
    for (let x = 0; x < w; x++) {
      const cell = gr * GRID_COLS + Math.min(GRID_COLS - 1, Math.floor((x * GRID_COLS) / w));
      cellArea[cell] = (cellArea[cell] as number) + 1;
      const k = cell * bins + (colours[y * w + x] as number);
      cellCounts[k] = (cellCounts[k] as number) + 1;
    }
  }
  const isBackground = new Uint8Array(bins);
  for (let c = 0; c < bins; c++) {
    let spread = 0; // rows where the colour is in SPREAD_CELLS cells or more
    let full = false; // a row where it is in every cell
    for (let gr = 0; gr < GRID_ROWS; gr++) {
      let present = 0;
      for (let gc = 0; gc < GRID_COLS; gc++) {
        const cell = gr * GRID_COLS + gc;
        if ((cellCounts[cell * bins + c] as number) >= CELL_PRESENCE * (cellArea[cell] as number)) present++;
      }
      if (present >= SPREAD_CELLS) spread++;
      if (present === GRID_COLS) full = true;
    }
    if (spread >= 2 || full) isBackground[c] = 1;
  }
  const background = new Uint8Array(n);
  for (let i = 0; i < n; i++) background[i] = isBackground[colours[i] as number] as number;

  // Join a textured object's pieces: dilate the foreground (a square of radius r), then label
  // the dilated mask's 8-connected groups and keep their foreground pixels.
  const r = Math.max(1, Math.round((JOIN_RADIUS_AT_120 * h) / 120));
  const rows = new Uint8Array(n); // horizontal pass
  for (let y = 0; y < h; y++) {
    let last = -Infinity;
    // forward: distance to the last foreground pixel to the left; backward: to the right.
    for (let x = 0; x < w; x++) {
      if (!background[y * w + x]) last = x;
      if (x - last <= r) rows[y * w + x] = 1;
    }
    last = Infinity;
    for (let x = w - 1; x >= 0; x--) {
      if (!background[y * w + x]) last = x;
      if (last - x <= r) rows[y * w + x] = 1;
    }
  }
  const joined = new Uint8Array(n); // vertical pass
  for (let x = 0; x < w; x++) {
    let last = -Infinity;
    for (let y = 0; y < h; y++) {
      if (rows[y * w + x]) last = y;
      if (y - last <= r) joined[y * w + x] = 1;
    }
    last = Infinity;
    for (let y = h - 1; y >= 0; y--) {
      if (rows[y * w + x]) last = y;
      if (last - y <= r) joined[y * w + x] = 1;
    }
  }
  const group = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const groups: number[][] = [];
  for (let start = 0; start < n; start++) {
    if (!joined[start] || group[start] !== -1) continue;
    const id = groups.length;
    const pixels: number[] = [];
    group[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      if (!background[p]) pixels.push(p);
      const px = p % w;
      const py = (p - px) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const qy = py + dy;
        if (qy < 0 || qy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const qx = px + dx;
          if (qx < 0 || qx >= w) continue;
          const q = qy * w + qx;
          if (joined[q] && group[q] === -1) {
            group[q] = id;
            stack.push(q);
          }
        }
      }
    }
    groups.push(...splitByColour(pixels, colours, w));
  }
  const minArea = Math.max(4, Math.round(MIN_OBJECT_SHARE * n));
  // A band across the whole frame (a gradient's thin band of colour) is background, not an object.
  const spans = (g: number[]): boolean => {
    let x0 = w;
    let x1 = -1;
    for (const p of g) {
      const x = p % w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
    return x1 - x0 + 1 >= MAX_OBJECT_WIDTH * w;
  };
  const kept = groups.filter((g) => g.length >= minArea && !spans(g)).sort((a, b) => b.length - a.length || (a[0] as number) - (b[0] as number));
  const labels = new Int32Array(n);
  const objects = kept.map((pixels, k): FoundObject => {
    let x0 = w;
    let x1 = -1;
    let y0 = h;
    let y1 = -1;
    let sx = 0;
    let sy = 0;
    const counts = new Map<number, number>();
    for (const p of pixels) {
      labels[p] = k + 1;
      const x = p % w;
      const y = (p - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      sx += x;
      sy += y;
      counts.set(colours[p] as number, (counts.get(colours[p] as number) ?? 0) + 1);
    }
    // Its own colour: of its two most frequent colours, the more saturated (the texture's second
    // colour is a darker or lighter shade of it), unless that one is scarce.
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const chroma = (c: number): number => {
      const q = [Math.floor(c / 64), Math.floor(c / 8) % 8, c % 8];
      return Math.max(...q) - Math.min(...q);
    };
    let [main, best] = top[0] as [number, number];
    const second = top[1];
    if (second && second[1] >= 0.5 * best && chroma(second[0]) > chroma(main)) [main, best] = second;
    let sr = 0;
    let sg = 0;
    let sb = 0;
    for (const p of pixels) {
      if (colours[p] !== main) continue;
      const x = p % w;
      const i = (((p - x) / w + box.y0) * size + x + box.x0) * 3;
      sr += rgb[i] as number;
      sg += rgb[i + 1] as number;
      sb += rgb[i + 2] as number;
    }
    return {
      area: pixels.length,
      x0,
      x1,
      y0,
      y1,
      cx: (sx / pixels.length + 0.5) / w,
      cy: (sy / pixels.length + 0.5) / h,
      colour: [Math.round(sr / best), Math.round(sg / best), Math.round(sb / best)],
    };
  });
  return { box, colours, background, labels, objects };
}

/** A colour's share of a group below which it is edge blending or noise, not a part of an object. */
const SIGNIFICANT_SHARE = 0.08;
/** Two colours of a group belong to one object when their boxes overlap by this share of the smaller box. */
const SAME_OBJECT_OVERLAP = 0.5;

/**
 * Splits a joined group into objects by colour: its significant colours whose bounding boxes
 * overlap (an object's own colour and its texture's) stay together, colours that sit apart
 * (two objects that touch) are parted. Other pixels go to the part whose box centre is nearest.
 */
function splitByColour(pixels: number[], colours: Uint16Array, w: number): number[][] {
  if (pixels.length === 0) return [];
  const boxes = new Map<number, { n: number; x0: number; x1: number; y0: number; y1: number }>();
  for (const p of pixels) {
    const x = p % w;
    const y = (p - x) / w;
    const c = colours[p] as number;
    const b = boxes.get(c);
    if (!b) boxes.set(c, { n: 1, x0: x, x1: x, y0: y, y1: y });
    else {
      b.n++;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
    }
  }
  const significant = [...boxes.entries()].filter(([, b]) => b.n >= SIGNIFICANT_SHARE * pixels.length).sort((a, b) => b[1].n - a[1].n || a[0] - b[0]);
  if (significant.length <= 1) return [pixels];
  // Union colours whose boxes overlap.
  const parent = significant.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  const area = (b: { x0: number; x1: number; y0: number; y1: number }): number => (b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1);
  for (let i = 0; i < significant.length; i++) {
    for (let j = i + 1; j < significant.length; j++) {
      const a = significant[i]![1];
      const b = significant[j]![1];
      const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1;
      const oy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
      if (ox > 0 && oy > 0 && ox * oy >= SAME_OBJECT_OVERLAP * Math.min(area(a), area(b))) parent[find(j)] = find(i);
    }
  }
  const roots = [...new Set(significant.map((_, i) => find(i)))];
  if (roots.length === 1) return [pixels];
  const partOf = new Map<number, number>(significant.map(([c], i) => [c, roots.indexOf(find(i))]));
  // Each part's box centre (of its significant colours), for the other pixels.
  const centres = roots.map((r) => {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    significant.forEach(([, b], i) => {
      if (find(i) !== r) return;
      x0 = Math.min(x0, b.x0);
      x1 = Math.max(x1, b.x1);
      y0 = Math.min(y0, b.y0);
      y1 = Math.max(y1, b.y1);
    });
    return [(x0 + x1) / 2, (y0 + y1) / 2] as const;
  });
  const parts: number[][] = roots.map(() => []);
  for (const p of pixels) {
    let k = partOf.get(colours[p] as number);
    if (k === undefined) {
      const x = p % w;
      const y = (p - x) / w;
      let best = Infinity;
      centres.forEach(([cx, cy], i) => {
        const d = (x - cx) ** 2 + (y - cy) ** 2;
        if (d < best) [best, k] = [d, i];
      });
    }
    parts[k as number]!.push(p);
  }
  return parts;
}

/** Rates of colour change between neighbours (→, ↓, ↘, ↗) among pixels where `inside` holds. */
function changeRates(colours: ArrayLike<number>, w: number, h: number, inside: (i: number) => boolean): [number, number, number, number] {
  const steps: [number, number][] = [[1, 0], [0, 1], [1, 1], [1, -1]];
  return steps.map(([dx, dy]) => {
    let pairs = 0;
    let changes = 0;
    for (let y = Math.max(0, -dy); y < h - Math.max(0, dy); y++) {
      for (let x = 0; x < w - dx; x++) {
        const a = y * w + x;
        const b = (y + dy) * w + x + dx;
        if (!inside(a) || !inside(b)) continue;
        pairs++;
        if (colours[a] !== colours[b]) changes++;
      }
    }
    return pairs > 0 ? changes / pairs : 0;
  }) as [number, number, number, number];
}

function scaleToken(v: Float32Array, t: number): void {
  const at = t * OBJECT_TOKEN_DIM;
  let norm = 0;
  for (let i = 0; i < OBJECT_TOKEN_DIM; i++) norm += (v[at + i] as number) ** 2;
  if (norm === 0) return;
  const k = 1 / Math.sqrt(OBJECT_TOKENS) / Math.sqrt(norm);
  for (let i = 0; i < OBJECT_TOKEN_DIM; i++) v[at + i] = (v[at + i] as number) * k;
}

/** RGB bytes of the pixels of a content box where `keep` holds (for their colour histogram). */
function pickRgb(rgb: Uint8Array, size: number, box: Segmentation['box'], keep: (i: number) => boolean): Uint8Array {
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!keep(y * w + x)) continue;
      const i = ((y + box.y0) * size + x + box.x0) * 3;
      out.push(rgb[i] as number, rgb[i + 1] as number, rgb[i + 2] as number);
    }
  }
  return Uint8Array.from(out);
}

/**
 * A size×size RGB frame → OBJECT_TOKENS tokens of OBJECT_TOKEN_DIM (row-major): the background,
 * then the largest objects (empty slots are zeros). An all-bar frame is all zeros.
 */
export function objectTokens(rgb: Uint8Array, size: number): Float32Array {
  const v = new Float32Array(OBJECT_TOKENS * OBJECT_TOKEN_DIM);
  const seg = segmentFrame(rgb, size);
  if (!seg) return v;
  const { box, colours, background, labels, objects } = seg;
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  // The frame token.
  const bgRgb = pickRgb(rgb, size, box, (i) => background[i] === 1);
  if (bgRgb.length > 0) v.set(colourHistogram(bgRgb, HIST_LEVELS), BG_HIST);
  changeRates(colours, w, h, (i) => background[i] === 1).forEach((rate, k) => (v[BG_RATES + k] = 2 * rate));
  v[BG_COUNT + Math.min(MAX_COUNT, objects.length)] = 1;
  scaleToken(v, 0);
  // One token per object, largest first.
  objects.slice(0, OBJECT_SLOTS).forEach((o, k) => {
    const t = k + 1;
    const at = t * OBJECT_TOKEN_DIM;
    const label = k + 1;
    const mine = (i: number): boolean => labels[i] === label;
    v.set(colourHistogram(pickRgb(rgb, size, box, mine), HIST_LEVELS), at + OBJ_HIST);
    const bw = o.x1 - o.x0 + 1;
    const bh = o.y1 - o.y0 + 1;
    const cells = new Float32Array(SHAPE_GRID * SHAPE_GRID);
    const cellPixels = new Float32Array(SHAPE_GRID * SHAPE_GRID);
    for (let y = o.y0; y <= o.y1; y++) {
      const gy = Math.min(SHAPE_GRID - 1, Math.floor(((y - o.y0) * SHAPE_GRID) / bh));
      for (let x = o.x0; x <= o.x1; x++) {
        const c = gy * SHAPE_GRID + Math.min(SHAPE_GRID - 1, Math.floor(((x - o.x0) * SHAPE_GRID) / bw));
        cellPixels[c] = (cellPixels[c] as number) + 1;
        if (labels[y * w + x] === label) cells[c] = (cells[c] as number) + 1;
      }
    }
    // Occupancy in [0, 1] per cell, weighted so the 25 cells weigh about as much as the histogram.
    for (let c = 0; c < cells.length; c++) v[at + OBJ_SHAPE + c] = (cellPixels[c] as number) > 0 ? ((cells[c] as number) / (cellPixels[c] as number)) * 0.4 : 0;
    const s = at + OBJ_SCALARS;
    v[s] = Math.sqrt(o.area) / h;
    v[s + 1] = bw / h;
    v[s + 2] = bh / h;
    v[s + 3] = o.area / (bw * bh);
    v[s + 4] = o.cx - 0.5;
    v[s + 5] = o.cy - 0.5;
    changeRates(colours, w, h, mine).forEach((rate, i) => (v[s + 6 + i] = 2 * rate));
    scaleToken(v, t);
  });
  return v;
}
