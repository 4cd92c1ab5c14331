// Shape codes for the object tokens (issue #13; src/core/objectTokens.ts): an object's mask → the
// index of the nearest of a fixed set of mask shapes (a codebook), written into its token as a
// one-hot. The half-oracle study (docs/results.md, "Which half of the perception") found that the
// small policy reads shape at ≤ 50% from the mask's continuous 5×5 occupancy although the
// occupancy separates the demo's eight shapes at 97% by nearest centroid: the information is
// there, the policy does not read it from 25 noisy numbers. A discrete code is what it reads from
// the fact tokens. The codebook is learnt without labels — k-means over the occupancy of the
// objects the segmentation finds in training-world frames (`npm run fit:shape-codebook`, which
// writes src/core/shapeCodebook.ts) — so no shape name is ever used, and on an imported video the
// codes are the blob shapes it sees most like. Pure and deterministic; plain JS, no tensors.

/** Occupancy grid of an object's bounding box: the shape descriptor the codes quantise. */
export const SHAPE_GRID = 5;

/** An inclusive rectangle of content-box pixels. */
export type Rect = { x0: number; x1: number; y0: number; y1: number };

/**
 * Share of each cell of a SHAPE_GRID × SHAPE_GRID grid over `box` whose pixels are the object's
 * (`labels[y · w + x] === label`), row-major, each in [0, 1].
 */
export function shapeOccupancy(labels: ArrayLike<number>, w: number, box: Rect, label: number): Float32Array {
  const bw = box.x1 - box.x0 + 1;
  const bh = box.y1 - box.y0 + 1;
  const cells = new Float32Array(SHAPE_GRID * SHAPE_GRID);
  const cellPixels = new Float32Array(SHAPE_GRID * SHAPE_GRID);
  for (let y = box.y0; y <= box.y1; y++) {
    const gy = Math.min(SHAPE_GRID - 1, Math.floor(((y - box.y0) * SHAPE_GRID) / bh));
    for (let x = box.x0; x <= box.x1; x++) {
      const c = gy * SHAPE_GRID + Math.min(SHAPE_GRID - 1, Math.floor(((x - box.x0) * SHAPE_GRID) / bw));
      cellPixels[c] = (cellPixels[c] as number) + 1;
      if (labels[y * w + x] === label) cells[c] = (cells[c] as number) + 1;
    }
  }
  for (let c = 0; c < cells.length; c++) cells[c] = (cellPixels[c] as number) > 0 ? (cells[c] as number) / (cellPixels[c] as number) : 0;
  return cells;
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s;
}

/** Index of the codebook row nearest `x` (squared Euclidean; the first of equals). */
export function nearestCode(codebook: readonly ArrayLike<number>[], x: ArrayLike<number>): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < codebook.length; j++) {
    const d = squaredDistance(codebook[j] as ArrayLike<number>, x);
    if (d < bestD) [best, bestD] = [j, d];
  }
  return best;
}

/** A 32-bit linear congruential generator in [0, 1) (deterministic across platforms). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * k-means (Lloyd's algorithm, k-means++ seeding) of `points` into `k` centroids: deterministic for
 * a seed. Stops when no assignment changes or after `maxIterations`. An empty cluster keeps its
 * centroid. Throws when there are fewer distinct points than k.
 */
export function kMeans(points: readonly ArrayLike<number>[], k: number, { seed = 1, maxIterations = 100 }: { seed?: number; maxIterations?: number } = {}): { centroids: number[][]; assignment: Int32Array; iterations: number } {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (points.length < k) throw new RangeError(`k-means of ${points.length} points into ${k} clusters: need at least k points`);
  const dim = (points[0] as ArrayLike<number>).length;
  const random = lcg(seed);
  const centroids: number[][] = [Array.from(points[Math.floor(random() * points.length)] as ArrayLike<number>)];
  const nearest = new Float64Array(points.length).fill(Infinity);
  while (centroids.length < k) {
    const last = centroids[centroids.length - 1] as number[];
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      nearest[i] = Math.min(nearest[i] as number, squaredDistance(points[i] as ArrayLike<number>, last));
      total += nearest[i] as number;
    }
    if (total === 0) throw new RangeError(`k-means into ${k} clusters: the points have only ${centroids.length} distinct values`);
    let u = random() * total;
    let pick = 0;
    while (pick < points.length - 1 && u >= (nearest[pick] as number)) u -= nearest[pick++] as number;
    centroids.push(Array.from(points[pick] as ArrayLike<number>));
  }
  const assignment = new Int32Array(points.length).fill(-1);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    let changed = 0;
    for (let i = 0; i < points.length; i++) {
      const j = nearestCode(centroids, points[i] as ArrayLike<number>);
      if (j !== assignment[i]) [assignment[i], changed] = [j, changed + 1];
    }
    if (changed === 0) break;
    const sums = centroids.map(() => new Float64Array(dim));
    const counts = new Int32Array(k);
    for (let i = 0; i < points.length; i++) {
      const j = assignment[i] as number;
      counts[j] = (counts[j] as number) + 1;
      const p = points[i] as ArrayLike<number>;
      const sum = sums[j] as Float64Array;
      for (let d = 0; d < dim; d++) sum[d] = (sum[d] as number) + (p[d] as number);
    }
    for (let j = 0; j < k; j++) if ((counts[j] as number) > 0) centroids[j] = Array.from(sums[j] as Float64Array, (s) => s / (counts[j] as number));
  }
  return { centroids, assignment, iterations };
}
