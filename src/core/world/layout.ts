// Lays out one scene: a track per entity (when it is visible, one straight motion leg) and maybe
// one collision pair, with no two objects ever overlapping, so "visible" in the ground truth
// always means fully visible in the pixels. Times are whole seconds; lengths in frame heights.

import { minDistance } from './motion';
import type { Rng } from './random';
import type { Entity, MotionKey, ObjectTrack, WorldEvent } from './types';
import { DIRECTIONS, DIRECTION_VECTORS, SIZE_RADIUS, SPEED_VALUE, type Direction, type Speed } from './vocabulary';

export interface LayoutRequest {
  startS: number;
  endS: number;
  /** width / height of the frame: x runs over [0, aspect]. */
  aspect: number;
  /** Entities to place, most important first (recurring ones must not be crowded out). */
  entities: Entity[];
  /** Chance that two of them bump into each other. */
  collisionChance: number;
}

export interface SceneLayout {
  tracks: ObjectTrack[];
  events: WorldEvent[];
}

const MARGIN = 0.02; // H: gap between an object and the frame edge
const GAP = 0.04; // H: smallest gap between two objects that do not collide
const MAX_TRAVEL = 0.45; // H: longest motion leg, so frames of a clip stay alike
const TRIES = 40;
const MOVING_HEADINGS = DIRECTIONS.filter((d) => d !== 'still');

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;
const radiusOf = (e: Entity): number => SIZE_RADIUS[e.size];

/** A uniform point of [lo, hi], or undefined when the range is empty. */
function within(rng: Rng, lo: number, hi: number): number | undefined {
  return hi < lo ? undefined : round4(lo + rng.next() * (hi - lo));
}

function pathKeys(from: number, legStart: number, legEnd: number, to: number, x0: number, y0: number, x1: number, y1: number): MotionKey[] {
  const keys: MotionKey[] = [{ t: from, x: x0, y: y0 }];
  if (legEnd === legStart) return keys;
  if (legStart > from) keys.push({ t: legStart, x: x0, y: y0 });
  keys.push({ t: legEnd, x: x1, y: y1 });
  if (to > legEnd) keys.push({ t: to, x: x1, y: y1 });
  return keys;
}

/** One object's track: maybe late to appear or early to leave, at most one straight leg. */
function planTrack(rng: Rng, entity: Entity, req: LayoutRequest, wholeScene: boolean, still: boolean): ObjectTrack | undefined {
  const r = radiusOf(entity);
  const sceneS = req.endS - req.startS;
  let appearS = req.startS;
  let disappearS = req.endS;
  if (!wholeScene && rng.chance(0.4)) {
    const cut = rng.int(2, Math.max(2, Math.floor(sceneS * 0.4)));
    if (rng.chance(0.5)) appearS += cut;
    else disappearS -= cut;
  }
  const heading: Direction = still || rng.chance(0.3) ? 'still' : rng.pick(MOVING_HEADINGS);
  const speed: Speed | null = heading === 'still' ? null : rng.chance(0.4) ? 'fast' : 'slow';
  const v = speed ? SPEED_VALUE[speed] : 0;
  const visibleS = disappearS - appearS;
  const legS = speed ? Math.min(visibleS, Math.floor(MAX_TRAVEL / v)) : 0;
  const legStart = appearS + rng.int(0, visibleS - legS);
  const [ux, uy] = DIRECTION_VECTORS[heading];
  const dx = ux * v * legS;
  const dy = uy * v * legS;
  const x0 = within(rng, r + MARGIN - Math.min(0, dx), req.aspect - r - MARGIN - Math.max(0, dx));
  const y0 = within(rng, r + MARGIN - Math.min(0, dy), 1 - r - MARGIN - Math.max(0, dy));
  if (x0 === undefined || y0 === undefined) return undefined;
  const keys = pathKeys(appearS, legStart, legStart + legS, disappearS, x0, y0, round4(x0 + dx), round4(y0 + dy));
  return { entityId: entity.id, appearS, disappearS, keys, heading, speed };
}

/**
 * Two objects that meet: `a` moves along one axis into `b` (still, or coming the other way) and
 * touches it (centre distance = rA + rB) at a whole second tc; both stay still afterwards.
 */
function planCollision(rng: Rng, a: Entity, b: Entity, req: LayoutRequest): [ObjectTrack, ObjectTrack, WorldEvent] | undefined {
  const { startS, endS } = req;
  const sceneS = endS - startS;
  const tc = startS + rng.int(Math.ceil(sceneS * 0.4), Math.floor(sceneS * 0.75));
  const speedA: Speed = rng.chance(0.5) ? 'fast' : 'slow';
  const speedB: Speed | null = rng.chance(0.5) ? 'slow' : null;
  const vA = SPEED_VALUE[speedA];
  const vB = speedB ? SPEED_VALUE[speedB] : 0;
  const legA = Math.min(tc - startS, Math.floor(0.4 / vA));
  const legB = speedB ? Math.min(tc - startS, Math.floor(0.25 / vB)) : 0;
  if (legA < 2) return undefined;
  const horizontal = rng.chance(0.6);
  const along = horizontal ? req.aspect : 1;
  const across = horizontal ? 1 : req.aspect;
  const rA = radiusOf(a);
  const rB = radiusOf(b);
  // Along the axis a ends at a1 and b at a1 + rA + rB; a travelled +vA·legA, b −vB·legB.
  const a1 = within(rng, rA + MARGIN + vA * legA, along - rB - MARGIN - vB * legB - rA - rB);
  const rMax = Math.max(rA, rB);
  const c = within(rng, rMax + MARGIN, across - rMax - MARGIN);
  if (a1 === undefined || c === undefined) return undefined;
  const flip = rng.chance(0.5); // mirrored: a moves towards smaller coordinates
  const at = (p: number): number => round4(flip ? along - p : p);
  const point = (p: number): [number, number] => (horizontal ? [at(p), c] : [c, at(p)]);
  const a0 = a1 - vA * legA;
  const b1 = a1 + rA + rB;
  const b0 = b1 + vB * legB;
  const track = (e: Entity, from: number, to: number, legS: number, heading: Direction, speed: Speed | null): ObjectTrack => {
    const [x0, y0] = point(from);
    const [x1, y1] = point(to);
    return { entityId: e.id, appearS: startS, disappearS: endS, keys: pathKeys(startS, tc - legS, tc, endS, x0, y0, x1, y1), heading, speed };
  };
  const forward: Direction = horizontal ? (flip ? 'left' : 'right') : flip ? 'up' : 'down';
  const backward: Direction = horizontal ? (flip ? 'right' : 'left') : flip ? 'down' : 'up';
  return [
    track(a, a0, a1, legA, forward, speedA),
    track(b, b0, b1, legB, speedB ? backward : 'still', speedB),
    { kind: 'collide', t: tc, entityId: a.id, otherId: b.id },
  ];
}

const EVENT_ORDER: Record<WorldEvent['kind'], number> = { appear: 0, collide: 1, disappear: 2 };

export function layoutScene(rng: Rng, req: LayoutRequest): SceneLayout {
  const tracks: ObjectTrack[] = [];
  const radii: number[] = [];
  const events: WorldEvent[] = [];
  const pending = [...req.entities];
  const fits = (t: ObjectTrack, r: number): boolean => tracks.every((o, i) => minDistance(o, t) >= r + (radii[i] ?? 0) + GAP);

  if (pending.length >= 2 && rng.chance(req.collisionChance)) {
    for (let tryIndex = 0; tryIndex < TRIES; tryIndex++) {
      const i = rng.int(0, pending.length - 1);
      const j = rng.int(0, pending.length - 1);
      const a = pending[i];
      const b = pending[j];
      const pair = a && b && i !== j ? planCollision(rng, a, b, req) : undefined;
      if (!a || !b || !pair) continue;
      tracks.push(pair[0], pair[1]);
      radii.push(radiusOf(a), radiusOf(b));
      events.push(pair[2]);
      pending.splice(Math.max(i, j), 1);
      pending.splice(Math.min(i, j), 1);
      break;
    }
  }
  for (const entity of pending) {
    const r = radiusOf(entity);
    let placed: ObjectTrack | undefined;
    for (let tryIndex = 0; tryIndex < TRIES && !placed; tryIndex++) {
      // Half the tries moving, then still: a still object fits where a moving one does not.
      const t = planTrack(rng, entity, req, tracks.length < 2, tryIndex >= TRIES / 2);
      if (t && fits(t, r)) placed = t;
    }
    // Last resort, so every scene keeps two objects in view throughout: the first free grid spot.
    for (let y = r + MARGIN; !placed && y <= 1 - r - MARGIN; y += 0.05)
      for (let x = r + MARGIN; !placed && x <= req.aspect - r - MARGIN; x += 0.05) {
        const t: ObjectTrack = { entityId: entity.id, appearS: req.startS, disappearS: req.endS, keys: [{ t: req.startS, x: round4(x), y: round4(y) }], heading: 'still', speed: null };
        if (fits(t, r)) placed = t;
      }
    if (!placed) continue;
    tracks.push(placed);
    radii.push(r);
  }
  for (const t of tracks) {
    if (t.appearS > req.startS) events.push({ kind: 'appear', t: t.appearS, entityId: t.entityId });
    if (t.disappearS < req.endS) events.push({ kind: 'disappear', t: t.disappearS, entityId: t.entityId });
  }
  events.sort((p, q) => p.t - q.t || EVENT_ORDER[p.kind] - EVENT_ORDER[q.kind] || (p.entityId < q.entityId ? -1 : p.entityId > q.entityId ? 1 : 0));
  return { tracks, events };
}
