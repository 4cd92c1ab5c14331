// Motion of world objects: piecewise-linear paths in frame heights (H) over video time (s).
// Only + − × ÷ and comparisons, so positions are bit-identical on every IEEE-754 platform.

import type { MotionKey, ObjectTrack } from './types';
import type { Direction } from './vocabulary';

/** Net displacement below this (H) reads as standing still: ~4 px at 120 px high. */
export const STILL_EPS = 0.03;

export function positionAt(keys: readonly MotionKey[], t: number): { x: number; y: number } {
  const first = keys[0];
  if (!first) throw new RangeError('a track needs at least one motion key');
  if (t <= first.t) return { x: first.x, y: first.y };
  for (let i = 1; i < keys.length; i++) {
    const b = keys[i] as MotionKey;
    if (t < b.t) {
      const a = keys[i - 1] as MotionKey;
      const s = (t - a.t) / (b.t - a.t);
      return { x: a.x + (b.x - a.x) * s, y: a.y + (b.y - a.y) * s };
    }
  }
  const last = keys[keys.length - 1] as MotionKey;
  return { x: last.x, y: last.y };
}

/**
 * Compass direction of a displacement (image y grows downwards). Paths move along the 8 compass
 * headings only, so the sector test never meets a borderline angle.
 */
export function directionOf(dx: number, dy: number): Direction {
  if (dx * dx + dy * dy < STILL_EPS * STILL_EPS) return 'still';
  // tan(22.5°) ≈ 0.4142: within that of an axis counts as along the axis.
  const horizontal = Math.abs(dy) < 0.4142 * Math.abs(dx);
  const vertical = Math.abs(dx) < 0.4142 * Math.abs(dy);
  const h = dx < 0 ? 'left' : 'right';
  const v = dy < 0 ? 'up' : 'down';
  if (horizontal) return h;
  if (vertical) return v;
  return `${v}-${h}`;
}

/** Sorted distinct key times of both paths inside [t0, t1], with t0 and t1. */
function breakpoints(a: readonly MotionKey[], b: readonly MotionKey[], t0: number, t1: number): number[] {
  const times = new Set<number>([t0, t1]);
  for (const k of a) if (k.t > t0 && k.t < t1) times.add(k.t);
  for (const k of b) if (k.t > t0 && k.t < t1) times.add(k.t);
  return [...times].sort((p, q) => p - q);
}

/** Smallest centre distance (H) of two tracks over the time both are visible; Infinity if never. */
export function minDistance(a: ObjectTrack, b: ObjectTrack): number {
  const t0 = Math.max(a.appearS, b.appearS);
  const t1 = Math.min(a.disappearS, b.disappearS);
  if (t1 <= t0) return Infinity;
  const times = breakpoints(a.keys, b.keys, t0, t1);
  let best = Infinity;
  for (let i = 0; i + 1 < times.length; i++) {
    // On one segment both move linearly, so their difference d(s) = p + v·s is linear in s ∈ [0, 1].
    const ta = times[i] as number;
    const tb = times[i + 1] as number;
    const a0 = positionAt(a.keys, ta);
    const a1 = positionAt(a.keys, tb);
    const b0 = positionAt(b.keys, ta);
    const b1 = positionAt(b.keys, tb);
    const px = a0.x - b0.x;
    const py = a0.y - b0.y;
    const vx = a1.x - b1.x - px;
    const vy = a1.y - b1.y - py;
    const vv = vx * vx + vy * vy;
    const s = vv > 0 ? Math.min(1, Math.max(0, -(px * vx + py * vy) / vv)) : 0;
    const dx = px + vx * s;
    const dy = py + vy * s;
    best = Math.min(best, Math.sqrt(dx * dx + dy * dy));
  }
  return best;
}

/**
 * How `a` lies from `b` along an axis over [t0, t1]: -1 when a is left of (above) b by at least
 * `margin` H the whole time, 1 when right of (below), 0 when it changes or comes closer. The
 * difference of two piecewise-linear paths is piecewise linear, so the breakpoints suffice.
 */
export function relationOver(a: ObjectTrack, b: ObjectTrack, t0: number, t1: number, axis: 'horizontal' | 'vertical', margin: number): -1 | 0 | 1 {
  let sign: -1 | 0 | 1 | undefined;
  for (const t of breakpoints(a.keys, b.keys, t0, t1)) {
    const pa = positionAt(a.keys, t);
    const pb = positionAt(b.keys, t);
    const d = axis === 'horizontal' ? pa.x - pb.x : pa.y - pb.y;
    const s = d <= -margin ? -1 : d >= margin ? 1 : 0;
    if (s === 0 || (sign !== undefined && s !== sign)) return 0;
    sign = s;
  }
  return sign ?? 0;
}

/** Where a point is in the frame, in caption words ("in the upper left", "in the centre"). */
export function regionOf(x: number, y: number, aspect: number): string {
  const col = x < aspect / 3 ? 'left' : x < (2 * aspect) / 3 ? 'centre' : 'right';
  const row = y < 1 / 3 ? 'upper' : y < 2 / 3 ? 'middle' : 'lower';
  if (row === 'middle') return col === 'centre' ? 'in the centre' : `on the ${col}`;
  return col === 'centre' ? `in the ${row} middle` : `in the ${row} ${col}`;
}
