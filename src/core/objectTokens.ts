// Object tokens from pixels (issue #13): a frame → one token for the background and one per
// object, found by segmentation (src/core/segmentFrame.ts) instead of by a CNN. The demo study
// showed that the pooled CNN features do not keep which object is which colour and shape, so the
// small policy cannot read a clip's answer from them, while the oracle `fact-tokens` (written from
// the world's ground truth) can (docs/results.md). This is the same token layout measured from the
// pixels alone, so it runs on imported videos too (where it sees "coloured blobs on a textured
// background" and nothing more). Pure and deterministic; plain JS, no tensors.
//
// Tokens, each OBJECT_TOKEN_DIM wide:
// - token 0, the frame: the background pixels' 64-bin colour histogram (Hellinger), the rate of
//   colour changes between background neighbours along →, ↓, ↘ and ↗ (what tells stripes from
//   checks from dots), and the object count one-hot (0 … 8+);
// - tokens 1 … OBJECT_SLOTS, one per object, largest first: its pixels' 64-bin histogram, its
//   shape code (the one-hot of the codebook shape nearest its mask's 5×5 occupancy over its
//   bounding box, src/core/shapeCode.ts; v1 wrote the 25 occupancies themselves), size (√area),
//   width, height, fill ratio, centroid, and its internal colour-change rates (texture).
// Each non-empty token is scaled to length 1/√OBJECT_TOKENS, as the fact tokens are, so a frame is
// at most a unit vector; a clip is the L2-normalised mean of its frames (src/core/clips.ts).

import { colourHistogram } from './colourHistogram';
import { segmentFrame, type Segmentation } from './segmentFrame';
import { nearestCode, shapeOccupancy, type Rect } from './shapeCode';
import { SHAPE_CODEBOOK } from './shapeCodebook';

/** Embedder id of the pixel object tokens; bump the version when the layout or the segmentation changes. */
export const OBJECT_TOKENS_ID = 'pixels:object-tokens-v4';
/** Object tokens per frame; one more token holds the background. */
export const OBJECT_SLOTS = 5;
/** Visual tokens per clip. */
export const OBJECT_TOKENS = OBJECT_SLOTS + 1;
/** Levels per channel of the tokens' colour histograms (4³ = 64 bins, as the other built-in histograms). */
const HIST_LEVELS = 4;
const HIST_BINS = HIST_LEVELS ** 3;
/** Object counts the frame token tells apart; more land in the last slot. */
const MAX_COUNT = 8;

// Token layouts.
const OBJ_HIST = 0;
const OBJ_SHAPE = OBJ_HIST + HIST_BINS;
const OBJ_SCALARS = OBJ_SHAPE + SHAPE_CODEBOOK.length; // size, width, height, fill, x, y, 4 texture rates
const OBJ_END = OBJ_SCALARS + 10;
const BG_HIST = 0;
const BG_RATES = BG_HIST + HIST_BINS;
const BG_COUNT = BG_RATES + 4;
const BG_END = BG_COUNT + MAX_COUNT + 1;
/** Width of every object token (zero-padded). */
export const OBJECT_TOKEN_DIM = Math.max(OBJ_END, BG_END);
/** Dimensions [start, end) of a frame's vector that hold the frame token's background colour histogram. */
export const BACKGROUND_HISTOGRAM_DIMS: readonly [number, number] = [BG_HIST, BG_RATES];

/** Rates of colour change between neighbours (→, ↓, ↘, ↗) among pixels of `rect` where `inside` holds. */
function changeRates(colours: ArrayLike<number>, w: number, rect: Rect, inside: (i: number) => boolean): [number, number, number, number] {
  const steps: [number, number][] = [[1, 0], [0, 1], [1, 1], [1, -1]];
  return steps.map(([dx, dy]) => {
    let pairs = 0;
    let changes = 0;
    for (let y = rect.y0 + Math.max(0, -dy); y <= rect.y1 - Math.max(0, dy); y++) {
      for (let x = rect.x0; x <= rect.x1 - dx; x++) {
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

/** RGB bytes, row by row, of the pixels of `rect` (in a content box) where `keep` holds (for their colour histogram). */
function pickRgb(rgb: Uint8Array, size: number, box: Segmentation['box'], rect: Rect, keep: (i: number) => boolean): Uint8Array {
  const w = box.x1 - box.x0;
  const out: number[] = [];
  for (let y = rect.y0; y <= rect.y1; y++) {
    for (let x = rect.x0; x <= rect.x1; x++) {
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
  return tokensOfSegmentation(rgb, size, segmentFrame(rgb, size));
}

/** The tokens of `objectTokens` from a segmentation of the same frame already made (`segmentFrame(rgb, size)`; null: all zeros). */
export function tokensOfSegmentation(rgb: Uint8Array, size: number, seg: Segmentation | null): Float32Array {
  const v = new Float32Array(OBJECT_TOKENS * OBJECT_TOKEN_DIM);
  if (!seg) return v;
  const { box, colours, background, labels, objects } = seg;
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  // The frame token.
  const whole: Rect = { x0: 0, x1: w - 1, y0: 0, y1: h - 1 };
  const isBackground = (i: number): boolean => background[i] === 1;
  const bgRgb = pickRgb(rgb, size, box, whole, isBackground);
  if (bgRgb.length > 0) v.set(colourHistogram(bgRgb, HIST_LEVELS), BG_HIST);
  changeRates(colours, w, whole, isBackground).forEach((rate, k) => (v[BG_RATES + k] = 2 * rate));
  v[BG_COUNT + Math.min(MAX_COUNT, objects.length)] = 1;
  scaleToken(v, 0);
  // One token per object, largest first.
  objects.slice(0, OBJECT_SLOTS).forEach((o, k) => {
    const t = k + 1;
    const at = t * OBJECT_TOKEN_DIM;
    const label = k + 1;
    const mine = (i: number): boolean => labels[i] === label;
    v.set(colourHistogram(pickRgb(rgb, size, box, o, mine), HIST_LEVELS), at + OBJ_HIST);
    const bw = o.x1 - o.x0 + 1;
    const bh = o.y1 - o.y0 + 1;
    // The mask's shape as the one-hot of its nearest codebook shape (src/core/shapeCode.ts): a
    // discrete code the policy reads, where it did not read the 25 occupancies themselves.
    v[at + OBJ_SHAPE + nearestCode(SHAPE_CODEBOOK, shapeOccupancy(labels, w, o, label))] = 1;
    const s = at + OBJ_SCALARS;
    v[s] = Math.sqrt(o.area) / h;
    v[s + 1] = bw / h;
    v[s + 2] = bh / h;
    v[s + 3] = o.area / (bw * bh);
    v[s + 4] = o.cx - 0.5;
    v[s + 5] = o.cy - 0.5;
    changeRates(colours, w, o, mine).forEach((rate, i) => (v[s + 6 + i] = 2 * rate));
    scaleToken(v, t);
  });
  return v;
}
