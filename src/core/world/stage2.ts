// Stage 2 cross-scene queries (DESIGN.md §1, Stage 2 step 2) over a long video's scenes, with
// exact answers and a relevance chain citing "Scene #k" (1-based). The scenes may be the world's
// own or the spans the studio detected: everything is computed from what each span shows.
//
// Every query carries its structured form (`ask`), and one evaluator, `answerCrossScene`, gives
// both the true answer (all scenes visible) and the honest answer from a degraded context (only
// some scenes visible: the Stage 2 y− by partial evidence or irrelevance, step 3), so the two can
// never disagree about what a scene shows.

import { motionPhrase, spanFacts } from './describe';
import { entityOf } from './lookup';
import { mulberry32, seedFrom, type Rng } from './random';
import type { SeenObject, SpanFacts, World, WorldCrossSceneQA, WorldEvent, WorldVideo } from './types';
import { SHAPES, SHAPE_PLURALS, TEXTURE_ANSWERS, capitalise, listPhrase, type Shape } from './vocabulary';

/**
 * How the degraded-context answer (the Stage 2 y−) is written. honest: what was seen, saying so
 * when the context lacks the evidence ("No object is seen on both backgrounds."). guess: as a model
 * that answers anyway — where the honest answer would say something is not seen, a plausible
 * answer of the full answer's form, drawn from what the context shows (another object, another
 * count, another order). Honest answers have forms of their own, which a policy can learn to
 * avoid without the video (docs/results.md, "The Stage 2 probe is answered blind").
 */
export const DEGRADED_ANSWERS = ['honest', 'guess'] as const;
export type DegradedAnswers = (typeof DEGRADED_ANSWERS)[number];

const label = (i: number): string => `Scene #${i + 1}`;
const sorted = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

/** The structured form of a cross-scene query; scene numbers are 0-based indices into the spans. */
export type CrossSceneAsk =
  | { kind: 'scene_count' | 'returns' | 'behaviour'; entity: string; first: number }
  | { kind: 'shared_object' | 'shared_detail'; scenes: [number, number]; entity: string }
  | { kind: 'shape_count'; shape: Shape; entities: string[] }
  | { kind: 'first_seen'; early: string; late: string }
  | { kind: 'event_order'; events: { scene: number; phrase: string; letter: string }[] };

export interface WorldCrossSceneQuery extends WorldCrossSceneQA {
  ask: CrossSceneAsk;
}

/** The background that fills most of a span. */
function mainBackground(facts: SpanFacts | undefined): string {
  const best = [...(facts?.backgrounds ?? [])].sort((a, b) => b.toS - b.fromS - (a.toS - a.fromS) || a.sceneIndex - b.sceneIndex)[0];
  return best ? `the ${best.background.name} background` : 'no background';
}

function behaviour(world: World, o: SeenObject): string {
  const parts: string[] = [];
  if (o.appears) parts.push('appears partway through');
  parts.push(motionPhrase(o.direction, o.speed));
  for (const other of o.collidesWith) parts.push(`collides with the ${entityOf(world, other).name}`);
  if (o.disappears) parts.push('disappears before the end');
  return listPhrase(parts);
}

function eventPhrase(world: World, e: WorldEvent): string {
  const name = entityOf(world, e.entityId).name;
  if (e.kind === 'collide') return `the ${name} bumps into the ${entityOf(world, e.otherId).name}`;
  return e.kind === 'appear' ? `the ${name} pops into view` : `the ${name} vanishes`;
}

/** What an answerer sees of a video: the facts of the visible scenes only (others are blank). */
class SceneView {
  readonly seenIn = new Map<string, number[]>();
  constructor(
    readonly world: World,
    readonly segments: readonly SpanFacts[],
    readonly visible: ReadonlySet<number>,
  ) {
    segments.forEach((f, i) => {
      if (!visible.has(i)) return;
      for (const o of f.objects) this.seenIn.set(o.entityId, sorted([...(this.seenIn.get(o.entityId) ?? []), i]));
    });
  }
  at(id: string): number[] {
    return this.seenIn.get(id) ?? [];
  }
  name(id: string): string {
    return entityOf(this.world, id).name;
  }
  where(i: number): string {
    return `${label(i)} (on ${mainBackground(this.segments[i])})`;
  }
  sighting(id: string, i: number): SeenObject | undefined {
    return this.segments[i]?.objects.find((o) => o.entityId === id);
  }
}

/**
 * What a guesser says where the evidence is not in view: an answer of the full answer's form,
 * drawn from what the visible scenes show where it can be (a guesser names what it saw), else from
 * the rest of the video or the world. Deterministic for its rng.
 */
class Guesser {
  private readonly sightings: { o: SeenObject; i: number }[];
  constructor(
    private readonly view: SceneView,
    private readonly rng: Rng,
  ) {
    const all = view.segments.flatMap((f, i) => f.objects.map((o) => ({ o, i })));
    const seen = all.filter(({ i }) => view.visible.has(i));
    // With nothing in view, a guesser still names something: any sighting of the video.
    this.sightings = seen.length > 0 ? seen : all;
  }
  /** Scenes in view, else every scene, less `except`. */
  private scenes(except?: number): number[] {
    const every = this.view.segments.map((_, i) => i).filter((i) => i !== except);
    const inView = every.filter((i) => this.view.visible.has(i));
    return inView.length > 0 ? inView : every;
  }
  sceneCount(): string | undefined {
    const pool = this.scenes();
    if (pool.length === 0) return undefined;
    const at = sorted(this.rng.shuffle(pool).slice(0, this.rng.int(1, Math.min(3, pool.length))));
    return `${at.length} scene${at.length === 1 ? '' : 's'}: ${listPhrase(at.map(label))}.`;
  }
  returns(first: number): string | undefined {
    const pool = this.scenes(first);
    return pool.length > 0 ? `It returns in ${this.view.where(this.rng.pick(pool))}.` : undefined;
  }
  behaviour(): string | undefined {
    if (this.sightings.length === 0) return undefined;
    const { o, i } = this.rng.pick(this.sightings);
    return capitalise(`in ${label(i)} it ${behaviour(this.view.world, o)}.`);
  }
  object(): string {
    const ids = [...new Set(this.sightings.length > 0 ? this.sightings.map(({ o }) => o.entityId) : this.view.world.entities.map((e) => e.id))];
    return `The ${this.view.name(this.rng.pick(ids))}.`;
  }
  texture(): string {
    return capitalise(`${this.rng.pick(Object.values(TEXTURE_ANSWERS))}.`);
  }
  shapeCount(shape: Shape): string | undefined {
    const ofShape = this.view.world.entities.filter((e) => e.shape === shape).map((e) => e.id);
    if (ofShape.length === 0) return undefined;
    const ids = this.rng.shuffle(ofShape).slice(0, this.rng.int(1, Math.min(2, ofShape.length)));
    return `${ids.length}: ${listPhrase(ids.map((id) => `the ${this.view.name(id)}`))}.`;
  }
  oneOf(ids: readonly string[]): string {
    return `The ${this.view.name(this.rng.pick(ids))}.`;
  }
  order(letters: string[]): string {
    return `${this.rng.shuffle(letters).join(', then ')}.`;
  }
}

/**
 * The answer to `ask` from the scenes in `view` (the true answer when every cited scene is
 * visible). Where the evidence is not in view the honest answerer says so; with a `guess`er, an
 * answer of the full form is given instead (DegradedAnswers) — the one place both read the same
 * conditions.
 */
function answerOver(view: SceneView, ask: CrossSceneAsk, guess?: Guesser): string {
  const { world } = view;
  switch (ask.kind) {
    case 'scene_count': {
      const at = view.at(ask.entity);
      return at.length === 0 ? (guess?.sceneCount() ?? '0 scenes.') : `${at.length} scene${at.length === 1 ? '' : 's'}: ${listPhrase(at.map(label))}.`;
    }
    case 'returns': {
      const later = view.at(ask.entity).filter((i) => i !== ask.first);
      return later.length === 0 ? (guess?.returns(ask.first) ?? 'It does not return in any other scene.') : `It returns in ${listPhrase(later.map((i) => view.where(i)))}.`;
    }
    case 'behaviour': {
      const at = view.at(ask.entity);
      if (at.length === 0) return guess?.behaviour() ?? `The ${view.name(ask.entity)} is not seen.`;
      return capitalise(`${at.map((i) => `in ${label(i)} it ${behaviour(world, view.sighting(ask.entity, i) as SeenObject)}`).join('; ')}.`);
    }
    case 'shared_object':
    case 'shared_detail': {
      const [i, j] = ask.scenes;
      if (!view.visible.has(i) || !view.visible.has(j)) return (guess && (ask.kind === 'shared_object' ? guess.object() : guess.texture())) ?? 'No object is seen on both backgrounds.';
      if (ask.kind === 'shared_object') return `The ${view.name(ask.entity)}.`;
      return capitalise(`${TEXTURE_ANSWERS[entityOf(world, ask.entity).texture]}.`);
    }
    case 'shape_count': {
      const ids = ask.entities.filter((id) => view.at(id).length > 0);
      return ids.length === 0 ? (guess?.shapeCount(ask.shape) ?? `0: no ${SHAPE_PLURALS[ask.shape]} appear.`) : `${ids.length}: ${listPhrase(ids.map((id) => `the ${view.name(id)}`))}.`;
    }
    case 'first_seen': {
      const e = view.at(ask.early)[0];
      const l = view.at(ask.late)[0];
      if (e === undefined && l === undefined) return guess?.oneOf([ask.early, ask.late]) ?? `Neither is seen.`;
      if (e !== undefined && e === l) return `Both first appear in ${label(e)}.`;
      const first = l === undefined || (e !== undefined && e < l) ? ask.early : ask.late;
      return `The ${view.name(first)}.`;
    }
    case 'event_order': {
      const seen = ask.events.filter((e) => view.visible.has(e.scene));
      if (seen.length === ask.events.length) return `${seen.map((e) => e.letter).join(', then ')}.`;
      if (guess) return guess.order(ask.events.map((e) => e.letter));
      if (seen.length === 0) return 'None of them is seen.';
      return `${seen.map((e) => e.letter).join(', then ')}; the others are not seen.`;
    }
  }
}

function segmentsOf(world: World, video: WorldVideo, scenes: readonly { startS: number; endS: number }[]): SpanFacts[] {
  return scenes.map((s) => spanFacts(world, video, s.startS, s.endS));
}

/**
 * The answer to a cross-scene query given only the scenes `visible` (0-based indices into
 * `scenes`): what an honest answerer who watched just those scenes says, or with `guess` what one
 * who answers anyway says (DegradedAnswers). With every cited scene visible both are the truth.
 */
export function answerCrossScene(world: World, video: WorldVideo, scenes: readonly { startS: number; endS: number }[], ask: CrossSceneAsk, visible: Iterable<number>, degraded: DegradedAnswers = 'honest'): string {
  const shown = new Set(visible);
  const view = new SceneView(world, segmentsOf(world, video, scenes), shown);
  // Deterministic for a query and a context.
  const guess = degraded === 'guess' ? new Guesser(view, mulberry32(seedFrom('guess', video.id, JSON.stringify(ask), sorted(shown).join(',')))) : undefined;
  return answerOver(view, ask, guess);
}

/**
 * Cross-scene questions over `scenes` (default: the video's own scenes): counting, cross-scene
 * association, detail comprehension, temporal order and visual semantics. Only entities with no
 * brief (marginal) sighting are asked about, so every answer is exact. Deterministic for a video
 * and scene list.
 */
export function stage2Queries(world: World, video: WorldVideo, scenes: readonly { startS: number; endS: number }[] = video.scenes): WorldCrossSceneQuery[] {
  const segments = segmentsOf(world, video, scenes);
  const full = new SceneView(world, segments, new Set(segments.map((_, i) => i)));
  const { seenIn } = full;
  const glimpsed = new Set(segments.flatMap((f, i) => f.marginal.filter((m) => !(seenIn.get(m.entityId) ?? []).includes(i)).map((m) => m.entityId)));
  const clean = [...seenIn.keys()].filter((id) => !glimpsed.has(id)).sort();
  const recurring = clean.filter((id) => full.at(id).length >= 2);
  const nameOf = (id: string): string => full.name(id);
  const where = (i: number): string => full.where(i);
  const out: WorldCrossSceneQuery[] = [];
  const push = (q: Omit<WorldCrossSceneQuery, 'taskType' | 'answer'>): void => {
    out.push({ ...q, answer: answerOver(full, q.ask), citedScenes: sorted(q.citedScenes), taskType: q.family });
  };

  for (const id of recurring) {
    const at = full.at(id);
    const name = nameOf(id);
    const [first, ...later] = at as [number, ...number[]];
    push({
      family: 'counting',
      question: `In how many scenes does the ${name} appear?`,
      reasoning: `The ${name} is seen in ${listPhrase(at.map(where))} and in no other scene, so it appears in ${at.length} scenes.`,
      citedScenes: at,
      referents: [id],
      ask: { kind: 'scene_count', entity: id, first },
    });
    push({
      family: 'cross_scene_association',
      question: `The ${name} is first seen on ${mainBackground(segments[first])}. In which later scenes does it return, and on what backgrounds?`,
      reasoning: `${label(first)} shows the ${name} on ${mainBackground(segments[first])}. It is seen again in ${listPhrase(later.map(where))}.`,
      citedScenes: at,
      referents: [id],
      ask: { kind: 'returns', entity: id, first },
    });
    push({
      family: 'visual_semantic',
      question: `How does the ${name} behave across the video?`,
      reasoning: `The ${name} is seen in ${listPhrase(at.map(label))}. ${at.map((i) => `${label(i)}: it ${behaviour(world, full.sighting(id, i) as SeenObject)}.`).join(' ')}`,
      citedScenes: at,
      referents: [id],
      ask: { kind: 'behaviour', entity: id, first },
    });
  }

  // Which object links two scenes: pairs of scenes that share exactly one clean entity; and a
  // detail of it (its texture), which needs the same link first (detail comprehension).
  for (let i = 0; i < segments.length; i++)
    for (let j = i + 2; j < segments.length; j++) {
      const shared = recurring.filter((id) => full.at(id).includes(i) && full.at(id).includes(j));
      const inI = segments[i]?.objects.map((o) => o.entityId) ?? [];
      const inJ = new Set(segments[j]?.objects.map((o) => o.entityId) ?? []);
      const common = [...new Set(inI.filter((id) => inJ.has(id)))];
      if (shared.length !== 1 || common.length !== 1) continue;
      const id = shared[0] as string;
      const list = (k: number): string => listPhrase([...new Set(segments[k]?.objects.map((o) => `the ${o.name}`))]);
      const bgI = mainBackground(segments[i]);
      const bgJ = mainBackground(segments[j]);
      push({
        family: 'cross_scene_association',
        question: `Which object appears both on ${bgI} and on ${bgJ}?`,
        reasoning: `${where(i)} shows ${list(i)}. ${where(j)} shows ${list(j)}. Only the ${nameOf(id)} is in both.`,
        citedScenes: [i, j],
        referents: [id],
        ask: { kind: 'shared_object', scenes: [i, j], entity: id },
      });
      push({
        family: 'detail',
        question: `One object is seen both on ${bgI} and on ${bgJ}. What pattern is on that object (stripes, dots, checks or none)?`,
        reasoning: `${where(i)} shows ${list(i)}. ${where(j)} shows ${list(j)}. Only the ${nameOf(id)} is in both, and it is ${entityOf(world, id).texture}.`,
        citedScenes: [i, j],
        referents: [id],
        ask: { kind: 'shared_detail', scenes: [i, j], entity: id },
      });
    }

  // Counting distinct entities of one shape across the scenes.
  for (const shape of SHAPES) {
    const ids = clean.filter((id) => entityOf(world, id).shape === shape);
    const at = sorted(ids.flatMap((id) => full.at(id)));
    const blurred = [...glimpsed].some((id) => entityOf(world, id).shape === shape);
    if (ids.length < 2 || at.length < 2 || blurred) continue;
    push({
      family: 'counting',
      question: `How many different ${SHAPE_PLURALS[shape]} appear across the video?`,
      reasoning: `${at.map((i) => `${label(i)} shows ${listPhrase(ids.filter((id) => full.at(id).includes(i)).map((id) => `the ${nameOf(id)}`))}.`).join(' ')} Counting each ${shape} once gives ${ids.length}.`,
      citedScenes: at,
      referents: ids,
      ask: { kind: 'shape_count', shape, entities: ids },
    });
  }

  // Temporal order of first appearances in different scenes: pairs of recurring entities, or a
  // recurring entity and the first one-off seen in another scene when those pairs give nothing.
  const firstScene = (id: string): number => full.at(id)[0] ?? -1;
  let pairs = recurring.flatMap((p, k) => recurring.slice(k + 1).map((q) => [p, q] as const)).filter(([p, q]) => firstScene(p) !== firstScene(q));
  if (pairs.length === 0) {
    pairs = recurring.flatMap((p) => {
      const q = clean.find((id) => !recurring.includes(id) && firstScene(id) !== firstScene(p));
      return q ? [[p, q] as const] : [];
    });
  }
  for (const [p, q] of pairs) {
    const [early, late] = firstScene(p) < firstScene(q) ? [p, q] : [q, p];
    const [x, y] = seedFrom(p, q) % 2 === 0 ? [p, q] : [q, p];
    push({
      family: 'temporal_order',
      question: `Which is seen first in the video: the ${nameOf(x)} or the ${nameOf(y)}?`,
      reasoning: `The ${nameOf(early)} first appears in ${label(firstScene(early))}. The ${nameOf(late)} first appears in ${label(firstScene(late))}, which comes later.`,
      citedScenes: [firstScene(early), firstScene(late)],
      referents: [early, late],
      ask: { kind: 'first_seen', early, late },
    });
  }

  // Temporal order of three events, each happening once, in three different scenes.
  const events = segments.flatMap((f, i) => f.events.map((e) => ({ i, phrase: eventPhrase(world, e), ids: e.kind === 'collide' ? [e.entityId, e.otherId] : [e.entityId] })));
  const once = events.filter((e) => events.filter((o) => o.phrase === e.phrase).length === 1 && e.ids.every((id) => !glimpsed.has(id)));
  const picked: typeof once = [];
  for (const e of once) if (picked.every((p) => p.i !== e.i) && picked.length < 3) picked.push(e);
  if (picked.length === 3) {
    const order = [...picked].sort((p, q) => seedFrom(p.phrase) - seedFrom(q.phrase));
    const letter = (e: (typeof picked)[number]): string => `(${'abc'[order.indexOf(e)]})`;
    push({
      family: 'temporal_order',
      question: `In what order do these happen: ${order.map((e) => `${letter(e)} ${e.phrase}`).join('; ')}?`,
      reasoning: `${picked.map((e) => `In ${label(e.i)} ${e.phrase}.`).join(' ')} So the order is ${picked.map(letter).join(', ')}.`,
      citedScenes: picked.map((e) => e.i),
      referents: [...new Set(picked.flatMap((e) => e.ids))],
      ask: { kind: 'event_order', events: picked.map((e) => ({ scene: e.i, phrase: e.phrase, letter: letter(e) })) },
    });
  }
  return out;
}
