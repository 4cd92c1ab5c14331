// Frame segmentation for the object tokens (issue #13; src/core/objectTokens.ts): a frame →
// its background and its objects, from the pixels alone — no world, no palette, no names. Pure
// and deterministic; plain JS, no tensors.
//
// 1. The content box: uniform near-black rows and columns at the edges (letterbox bars) are cut.
// 2. Background colours: every pixel's colour is quantised (8 levels per channel); a quantised
//    colour is background when it is spread across the frame — present in at least 5 of the 6
//    cells of two rows of a 6×4 grid, or in all 6 cells of one. Objects are compact (at most ~3
//    cells wide, so two of one colour side by side fill 5 cells of a row at most), a background's
//    base and accent colours span the frame (a pattern) or whole rows (a gradient's bands).
//    Then the pixels a codec or a resize blurred: noise on a background colour, and seams that
//    blend two background colours, turn background too (decoded and rescaled video has both,
//    rendered frames at their own size have neither; bench/objects-decoded measures both).
// 3. Objects: the other pixels, grouped by 8-connectivity after a 2-pixel dilation (so the
//    stripes and dots of a textured object whose second colour matches the background stay one
//    object), each group keeping only its own foreground pixels, then parted by colour where two
//    objects touch; groups smaller than 0.8% of the content area are noise, groups 80% of its
//    width wide are background bands. Largest first.

import { absorbBlends } from './segmentBlends';

/** Levels per channel of the segmentation's colour quantisation (8³ colours). */
const SEGMENT_LEVELS = 8;
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
/** A bar pixel: no channel above this. */
const BAR_MAX = 16;

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

/** Inclusive bounding box of content-box pixel indices (y·w + x). */
function boxOf(pixels: readonly number[], w: number): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of pixels) {
    const x = p % w;
    const y = (p - x) / w;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x0, x1, y0, y1 };
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
  absorbBlends(rgb, size, box, colours, background);

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
  const minArea = Math.max(4, Math.round(MIN_OBJECT_SHARE * n));
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
    groups.push(...splitByColour(pixels, colours, w, minArea));
  }
  // Each group's box once; a band across the whole frame (a gradient's thin band of colour) is
  // background, not an object.
  const kept = groups
    .filter((g) => g.length >= minArea)
    .map((pixels) => ({ pixels, ...boxOf(pixels, w) }))
    .filter((g) => g.x1 - g.x0 + 1 < MAX_OBJECT_WIDTH * w)
    .sort((a, b) => b.pixels.length - a.pixels.length || (a.pixels[0] as number) - (b.pixels[0] as number));
  const labels = new Int32Array(n);
  const objects = kept.map(({ pixels, x0, x1, y0, y1 }, k): FoundObject => {
    let sx = 0;
    let sy = 0;
    const counts = new Map<number, number>();
    for (const p of pixels) {
      labels[p] = k + 1;
      const x = p % w;
      sx += x;
      sy += (p - x) / w;
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

/** A colour's share of a group below which it is edge blending or noise, not a part of an object… */
const SIGNIFICANT_SHARE = 0.08;
/**
 * …unless it covers this share of the smallest object: a small object beside a large one (a star
 * of 400 px touching a square of 2 000) is below 8% of their joined group, and was swallowed.
 */
const SIGNIFICANT_OF_SMALLEST = 0.5;
/** Two colours of a group belong to one object when their boxes overlap by this share of the smaller box. */
const SAME_OBJECT_OVERLAP = 0.5;

/**
 * Splits a joined group into objects by colour: its significant colours whose bounding boxes
 * overlap (an object's own colour and its texture's) stay together, colours that sit apart
 * (two objects that touch) are parted. Other pixels go to the part whose box centre is nearest.
 */
function splitByColour(pixels: number[], colours: Uint16Array, w: number, minArea: number): number[][] {
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
  const significant = [...boxes.entries()].filter(([, b]) => b.n >= Math.min(SIGNIFICANT_SHARE * pixels.length, SIGNIFICANT_OF_SMALLEST * minArea)).sort((a, b) => b[1].n - a[1].n || a[0] - b[0]);
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
