// Stage 1 anchored questions (DESIGN.md §1, Stage 1 step 1) for any span of a world video, with
// exact answers. Each question names its referent by the fewest attributes that single it out in
// the anchor and is anchored by the scene's background ("On the … background, …") or by a look
// unique in the whole world, so only the anchor can answer it.

import { MIN_VISIBLE_S, spanFacts } from './describe';
import { entityOf, sceneOfBackground } from './lookup';
import { relationOver } from './motion';
import { answerOf, evidenceOf, matchesCue, RELATION_MARGIN, type Evidence, type Sighting } from './query';
import { mulberry32, seedFrom, type Rng } from './random';
import { formatQuestion, parseQuestion } from './text';
import type { Entity, ObjectCue, SpanFacts, World, WorldQA, WorldQuery, WorldSpan, WorldVideo } from './types';
import { OBJECT_COLOUR_NAMES, SHAPES, SIZES, TEXTURES } from './vocabulary';

type LookKey = 'shape' | 'colour' | 'texture' | 'size';
type Look = Pick<Entity, LookKey> & { entityId: string };

/** Attribute sets tried in order, shortest and most natural first ("the circle", "the red circle"). */
const CUE_ORDERS: LookKey[][] = [
  ['shape'],
  ['colour', 'shape'],
  ['texture', 'shape'],
  ['size', 'shape'],
  ['colour'],
  ['texture', 'colour', 'shape'],
  ['size', 'colour', 'shape'],
  ['size', 'texture', 'shape'],
  ['texture', 'colour'],
  ['size', 'colour'],
  ['texture'],
  ['size'],
  ['size', 'texture', 'colour', 'shape'],
  ['size', 'texture', 'colour'],
  ['size', 'texture'],
];

/** Direction is asked only of objects that clearly move (≥ this many H) or do not move at all. */
const CLEAR_MOVE = 0.08;

function cueOf(look: Pick<Entity, LookKey>, keys: readonly LookKey[]): ObjectCue {
  const cue: ObjectCue = {};
  for (const k of keys) {
    if (k === 'shape') cue.shape = look.shape;
    else if (k === 'colour') cue.colour = look.colour;
    else if (k === 'texture') cue.texture = look.texture;
    else cue.size = look.size;
  }
  return cue;
}

/** The shortest cue that matches `target` and none of `rivals`, without the asked attribute. */
function minimalCue(target: Look, rivals: readonly Look[], asked?: LookKey): ObjectCue | undefined {
  for (const keys of CUE_ORDERS) {
    if (asked && keys.includes(asked)) continue;
    const cue = cueOf(target, keys);
    if (rivals.every((r) => r.entityId === target.entityId || !matchesCue(r, cue))) return cue;
  }
  return undefined;
}

const lookKey = (l: Pick<Entity, LookKey>): string => `${l.shape}/${l.colour}/${l.texture}/${l.size}`;
const lookCounts = new WeakMap<World, Map<string, number>>();

/** True when no other entity in the world looks the same (always, until looks run out). */
function uniqueLook(world: World, look: Pick<Entity, LookKey>): boolean {
  let counts = lookCounts.get(world);
  if (!counts) {
    counts = new Map();
    for (const e of world.entities) counts.set(lookKey(e), (counts.get(lookKey(e)) ?? 0) + 1);
    lookCounts.set(world, counts);
  }
  return counts.get(lookKey(look)) === 1;
}

/** Every look (shape × colour × texture × size) that no entity of the world has, in a fixed order. */
function unusedLooks(world: World): Pick<Entity, LookKey>[] {
  const used = new Set(world.entities.map(lookKey));
  const out: Pick<Entity, LookKey>[] = [];
  for (const shape of SHAPES)
    for (const colour of OBJECT_COLOUR_NAMES)
      for (const texture of TEXTURES) for (const size of SIZES) if (!used.has(lookKey({ shape, colour, texture, size }))) out.push({ shape, colour, texture, size });
  return out;
}

/** The scene of the span with the most objects in view (ties: the longer overlap). */
function anchorScene(facts: SpanFacts): number | undefined {
  let best: { scene: number; objects: number; seconds: number } | undefined;
  for (const bg of facts.backgrounds) {
    const objects = facts.objects.filter((o) => o.sceneIndex === bg.sceneIndex).length;
    const seconds = bg.toS - bg.fromS;
    if (objects > 0 && (!best || objects > best.objects || (objects === best.objects && seconds > best.seconds))) {
      best = { scene: bg.sceneIndex, objects, seconds };
    }
  }
  return best?.scene;
}

/** What the question writers share: the anchor's evidence, its anchor scene and the rng. */
interface Anchor {
  world: World;
  random: Rng;
  ev: Evidence;
  /** Objects of the anchor scene seen in the span. */
  group: Sighting[];
  /** Every object of the anchor scene, in or out of the span: a cue must single out one of them. */
  rivals: Look[];
  /** Objects of the anchor scene seen too briefly to count on. */
  brief: Look[];
  backgroundId: string;
  out: WorldQA[];
}

type Writer = (a: Anchor) => void;

function add(a: Anchor, query: WorldQuery, referents: string[]): void {
  const answer = answerOf(a.world, query, a.ev);
  if (answer === undefined) return;
  const taskType = query.family === 'detail' ? 'detail' : 'anchored_qa';
  a.out.push({ question: formatQuestion(a.world, query), answer, family: query.family, taskType, referents, query });
}

const pickFrom = <T>(random: Rng, items: readonly T[]): T | undefined => (items.length > 0 ? random.pick(items) : undefined);

/** "On the <background> background, …": the cue that ties a question to its anchor. */
function anchoredCue(a: Anchor, s: Sighting, asked?: LookKey): ObjectCue | undefined {
  const cue = minimalCue(s.seen, a.rivals, asked);
  return cue && { ...cue, backgroundId: a.backgroundId };
}

/** colour, shape, or a texture / size detail, of one object of the anchor scene. */
const askAttribute =
  (family: 'colour' | 'shape' | 'texture' | 'size'): Writer =>
  (a) => {
    const s = pickFrom(a.random, a.group);
    const cue = s && anchoredCue(a, s, family);
    if (!s || !cue) return;
    add(a, family === 'colour' || family === 'shape' ? { family, cue } : { family: 'detail', aspect: family, cue }, [s.seen.entityId]);
  };

/** direction, only of objects that clearly move or do not move at all. */
const askDirection: Writer = (a) => {
  const clear = a.group.filter((s) => {
    const d = Math.sqrt((s.seen.to.x - s.seen.from.x) ** 2 + (s.seen.to.y - s.seen.from.y) ** 2);
    return d === 0 || d >= CLEAR_MOVE;
  });
  const s = pickFrom(a.random, clear);
  const cue = s && anchoredCue(a, s);
  if (s && cue) add(a, { family: 'direction', cue }, [s.seen.entityId]);
};

/** count of a class (all, a shape, a colour or a texture) with no brief member, so it is exact. */
const askCount: Writer = (a) => {
  const classes = new Map<string, ObjectCue>([['', {}]]);
  for (const s of a.group) for (const c of [{ shape: s.seen.shape }, { colour: s.seen.colour }, { texture: s.seen.texture }]) classes.set(JSON.stringify(c), c);
  const kind = pickFrom(a.random, [...classes.values()].filter((c) => a.brief.every((b) => !matchesCue(b, c))));
  if (!kind) return;
  add(a, { family: 'count', cue: { ...kind, backgroundId: a.backgroundId } }, a.group.filter((s) => matchesCue(s.seen, kind)).map((s) => s.seen.entityId));
};

/** relative_position of a pair whose order along the axis holds the whole time both are seen. */
const askRelative: Writer = (a) => {
  const axis = a.random.chance(0.5) ? 'horizontal' : 'vertical';
  const pairs = a.group.flatMap((p) =>
    a.group
      .filter((q) => {
        const t0 = Math.max(p.seen.fromS, q.seen.fromS);
        const t1 = Math.min(p.seen.toS, q.seen.toS);
        return p !== q && t1 - t0 >= MIN_VISIBLE_S && relationOver(p.track, q.track, t0, t1, axis, RELATION_MARGIN) !== 0;
      })
      .map((q) => [p, q] as const),
  );
  const pair = pickFrom(a.random, pairs);
  const cue = pair && anchoredCue(a, pair[0]);
  const other = pair && anchoredCue(a, pair[1]);
  if (pair && cue && other) add(a, { family: 'relative_position', axis, cue, other }, [pair[0].seen.entityId, pair[1].seen.entityId]);
};

/** Objects named by a look unique in the world: such questions need no background. */
const distinctive = (a: Anchor): Sighting[] => a.ev.sightings.filter((s) => !s.seen.recurring && uniqueLook(a.world, s.seen));
const FULL_LOOK: LookKey[] = ['size', 'texture', 'colour', 'shape'];

/**
 * presence among three looks; the decoys are looks no entity has, so they are in no clip at all.
 * Both decoys share the same attribute with the true object (its shape, or else its colour), so
 * all three options share it and none is told apart by the text: before (oracle prompt version 1)
 * each decoy shared a shape *or* a colour with it, and the option sharing most with the others was
 * the answer in half the questions (docs/results.md, "Does the model look?").
 */
const askPresence: Writer = (a) => {
  const target = pickFrom(a.random, distinctive(a));
  if (!target) return;
  const o = target.seen;
  const unused = unusedLooks(a.world);
  const keys = a.random.int(0, 1) === 0 ? (['shape', 'colour'] as const) : (['colour', 'shape'] as const);
  const pool = keys.map((k) => unused.filter((l) => l[k] === o[k])).find((p) => p.length >= 2);
  if (!pool) return;
  const chosen: Pick<Entity, LookKey>[] = [];
  while (chosen.length < 2) chosen.push(pool.splice(a.random.int(0, pool.length - 1), 1)[0] as Pick<Entity, LookKey>);
  add(a, { family: 'presence', options: a.random.shuffle([o, ...chosen].map((l) => cueOf(l, FULL_LOOK))) }, [o.entityId]);
};

/** detail: the pattern of the background behind a distinctive object. */
const askBackground: Writer = (a) => {
  const s = pickFrom(a.random, distinctive(a));
  if (s) add(a, { family: 'detail', aspect: 'background', cue: cueOf(s.seen, FULL_LOOK) }, [s.seen.entityId]);
};

/** detail: what an object of the anchor scene collides with (both seen in the span). */
const askCollision: Writer = (a) => {
  const s = pickFrom(a.random, a.group.filter((x) => a.group.some((p) => p.seen.entityId === x.seen.collidesWith[0])));
  const cue = s && anchoredCue(a, s);
  if (s && cue) add(a, { family: 'detail', aspect: 'collision', cue }, [s.seen.entityId, s.seen.collidesWith[0] as string]);
};

/** detail: the one object that appears after the start (none brief, so no other could have). */
const askAppear: Writer = (a) => {
  const newcomers = a.group.filter((s) => s.seen.appears);
  const [only] = newcomers;
  if (only && newcomers.length === 1 && a.brief.length === 0) add(a, { family: 'detail', aspect: 'appear', cue: { backgroundId: a.backgroundId } }, [only.seen.entityId]);
};

const WRITERS: Writer[] = [
  askAttribute('colour'),
  askAttribute('shape'),
  askDirection,
  askCount,
  askRelative,
  askPresence,
  askBackground,
  askAttribute('texture'),
  askAttribute('size'),
  askCollision,
  askAppear,
];

/**
 * Exact-answer questions about [startS, endS) of a video: colour, shape, direction, count,
 * relative_position, presence and detail (background, texture, size, collision, appear), at most
 * one of each; which object each asks about is drawn from `rng` (seeded by the span by default).
 */
export function stage1Questions(world: World, video: WorldVideo, startS: number, endS: number, rng?: Rng): WorldQA[] {
  const facts = spanFacts(world, video, startS, endS);
  const sceneIndex = anchorScene(facts);
  const scene = sceneIndex === undefined ? undefined : video.scenes[sceneIndex];
  if (!scene) return [];
  const ev = evidenceOf(world, [{ video, startS, endS }]);
  const lookOf = (entityId: string): Look => ({ ...entityOf(world, entityId), entityId });
  const anchor: Anchor = {
    world,
    random: rng ?? mulberry32(seedFrom('stage1', world.version, video.id, startS, endS)),
    ev,
    group: ev.sightings.filter((s) => s.seen.sceneIndex === scene.index),
    rivals: scene.objects.map((t) => lookOf(t.entityId)),
    brief: facts.marginal.filter((m) => m.sceneIndex === scene.index).map((m) => lookOf(m.entityId)),
    backgroundId: scene.background.id,
    out: [],
  };
  for (const write of WRITERS) write(anchor);
  return anchor.out;
}

/** Where a parsed question's true answer is read when no anchor is given: its background's scene. */
function defaultAnchor(world: World, query: WorldQuery): WorldSpan | undefined {
  const cue = 'cue' in query ? query.cue : undefined;
  const found = cue?.backgroundId !== undefined ? sceneOfBackground(world, cue.backgroundId) : undefined;
  if (found) return { video: found.video, startS: found.scene.startS, endS: found.scene.endS };
  if (!cue) return undefined;
  for (const video of world.videos)
    for (const scene of video.scenes)
      if (scene.objects.some((t) => matchesCue(entityOf(world, t.entityId), cue))) return { video, startS: scene.startS, endS: scene.endS };
  return undefined;
}

/**
 * A question written by `stage1Questions` read back from its text (e.g. by the oracle after a
 * reload), its answer taken from `anchor` or else from the scene its cue names. The answer is ''
 * when it cannot be known (a presence question without its anchor).
 */
export function questionFromText(world: World, text: string, anchor?: WorldSpan): WorldQA | undefined {
  const query = parseQuestion(world, text);
  if (!query) return undefined;
  const span = anchor ?? defaultAnchor(world, query);
  const ev = span ? evidenceOf(world, [span]) : undefined;
  const cues = query.family === 'presence' ? query.options : query.family === 'relative_position' ? [query.cue, query.other] : [query.cue];
  const referents = ev ? [...new Set(ev.sightings.filter((s) => cues.some((c) => matchesCue(s.seen, c))).map((s) => s.seen.entityId))] : [];
  return {
    question: formatQuestion(world, query),
    answer: (ev && answerOf(world, query, ev)) ?? '',
    family: query.family,
    taskType: query.family === 'detail' ? 'detail' : 'anchored_qa',
    referents,
    query,
  };
}

/** The query with its cues' background anchor removed (presence and "appears" keep none / need one). */
function unanchored(query: WorldQuery): Exclude<WorldQuery, { family: 'presence' }> | undefined {
  const strip = ({ backgroundId: _, ...cue }: ObjectCue): ObjectCue => cue;
  if (query.family === 'presence' || query.cue.backgroundId === undefined) return undefined;
  if (query.family === 'relative_position') return { ...query, cue: strip(query.cue), other: strip(query.other) };
  if (query.family === 'detail' && query.aspect === 'appear') return undefined;
  return { ...query, cue: strip(query.cue) };
}

/**
 * The clip-only form of an anchored question: the same question without its "On the …
 * background," anchor, for single-clip training where the clip is the only context. Written only
 * when the span shows one background (so the anchor picks nothing out the clip alone does not),
 * every object cue still names exactly one object seen in it (a count cue names a class), and the
 * answer on the span is unchanged.
 * Why (docs/results.md, "Is perception the limit?"): a background name is unique within a world,
 * so an anchored question's text alone identifies its clip and a small policy memorises the
 * answer from the words; "what shape is the cyan object?" is asked of many clips with different
 * answers, and only looking at the clip answers it.
 */
export function clipOnlyQuestion(world: World, qa: WorldQA, span: WorldSpan): string | undefined {
  const query = unanchored(qa.query);
  if (!query) return undefined;
  const ev = evidenceOf(world, [span]);
  // Every scene has a background of its own: one background id is one scene.
  if (ev.backgroundIds.size !== 1) return undefined;
  const named = (cue: ObjectCue): number => new Set(ev.sightings.filter((s) => matchesCue(s.seen, cue)).map((s) => s.seen.entityId)).size;
  if (query.family !== 'count' && named(query.cue) !== 1) return undefined;
  if (query.family === 'relative_position' && named(query.other) !== 1) return undefined;
  if (answerOf(world, query, ev) !== qa.answer) return undefined;
  return formatQuestion(world, query);
}
