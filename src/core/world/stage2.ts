// Stage 2 cross-scene queries (DESIGN.md §1, Stage 2 step 2) over a long video's scenes, with
// exact answers and a relevance chain citing "Scene #k" (1-based). The scenes may be the world's
// own or the spans the studio detected: everything is computed from what each span shows.

import { motionPhrase, spanFacts } from './describe';
import { entityOf } from './lookup';
import { seedFrom } from './random';
import type { SeenObject, SpanFacts, World, WorldCrossSceneQA, WorldEvent, WorldVideo } from './types';
import { SHAPES, SHAPE_PLURALS, capitalise, listPhrase } from './vocabulary';

const label = (i: number): string => `Scene #${i + 1}`;
const sorted = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

/** The background that fills most of a span. */
function mainBackground(facts: SpanFacts): string {
  const best = [...facts.backgrounds].sort((a, b) => b.toS - b.fromS - (a.toS - a.fromS) || a.sceneIndex - b.sceneIndex)[0];
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

/**
 * Cross-scene questions over `scenes` (default: the video's own scenes): counting, cross-scene
 * association, temporal order and visual semantics. Only entities with no brief (marginal)
 * sighting are asked about, so every answer is exact. Deterministic for a video and scene list.
 */
export function stage2Queries(world: World, video: WorldVideo, scenes: readonly { startS: number; endS: number }[] = video.scenes): WorldCrossSceneQA[] {
  const segments = scenes.map((s) => spanFacts(world, video, s.startS, s.endS));
  const seenIn = new Map<string, number[]>();
  segments.forEach((f, i) => {
    for (const o of f.objects) seenIn.set(o.entityId, sorted([...(seenIn.get(o.entityId) ?? []), i]));
  });
  const glimpsed = new Set(segments.flatMap((f, i) => f.marginal.filter((m) => !(seenIn.get(m.entityId) ?? []).includes(i)).map((m) => m.entityId)));
  const clean = [...seenIn.keys()].filter((id) => !glimpsed.has(id)).sort();
  const recurring = clean.filter((id) => (seenIn.get(id) ?? []).length >= 2);
  const nameOf = (id: string): string => entityOf(world, id).name;
  const sightingIn = (id: string, i: number): SeenObject | undefined => segments[i]?.objects.find((o) => o.entityId === id);
  const where = (i: number): string => `${label(i)} (on ${mainBackground(segments[i] as SpanFacts)})`;
  const out: WorldCrossSceneQA[] = [];
  const push = (q: Omit<WorldCrossSceneQA, 'taskType'>): void => {
    out.push({ ...q, citedScenes: sorted(q.citedScenes), taskType: q.family });
  };

  for (const id of recurring) {
    const at = seenIn.get(id) ?? [];
    const name = nameOf(id);
    push({
      family: 'counting',
      question: `In how many scenes does the ${name} appear?`,
      answer: `${at.length} scenes: ${listPhrase(at.map(label))}.`,
      reasoning: `The ${name} is seen in ${listPhrase(at.map(where))} and in no other scene, so it appears in ${at.length} scenes.`,
      citedScenes: at,
      referents: [id],
    });
    const [first, ...later] = at as [number, ...number[]];
    push({
      family: 'cross_scene_association',
      question: `The ${name} is first seen on ${mainBackground(segments[first] as SpanFacts)}. In which later scenes does it return, and on what backgrounds?`,
      answer: `It returns in ${listPhrase(later.map(where))}.`,
      reasoning: `${label(first)} shows the ${name} on ${mainBackground(segments[first] as SpanFacts)}. It is seen again in ${listPhrase(later.map(where))}.`,
      citedScenes: at,
      referents: [id],
    });
    push({
      family: 'visual_semantic',
      question: `How does the ${name} behave across the video?`,
      answer: capitalise(`${at.map((i) => `in ${label(i)} it ${behaviour(world, sightingIn(id, i) as SeenObject)}`).join('; ')}.`),
      reasoning: `The ${name} is seen in ${listPhrase(at.map(label))}. ${at.map((i) => `${label(i)}: it ${behaviour(world, sightingIn(id, i) as SeenObject)}.`).join(' ')}`,
      citedScenes: at,
      referents: [id],
    });
  }

  // Which object links two scenes: pairs of scenes that share exactly one clean entity.
  for (let i = 0; i < segments.length; i++)
    for (let j = i + 2; j < segments.length; j++) {
      const shared = recurring.filter((id) => (seenIn.get(id) ?? []).includes(i) && (seenIn.get(id) ?? []).includes(j));
      const inI = segments[i]?.objects.map((o) => o.entityId) ?? [];
      const inJ = new Set(segments[j]?.objects.map((o) => o.entityId) ?? []);
      const common = [...new Set(inI.filter((id) => inJ.has(id)))];
      if (shared.length !== 1 || common.length !== 1) continue;
      const id = shared[0] as string;
      const list = (k: number): string => listPhrase([...new Set(segments[k]?.objects.map((o) => `the ${o.name}`))]);
      push({
        family: 'cross_scene_association',
        question: `Which object appears both on ${mainBackground(segments[i] as SpanFacts)} and on ${mainBackground(segments[j] as SpanFacts)}?`,
        answer: `The ${nameOf(id)}.`,
        reasoning: `${where(i)} shows ${list(i)}. ${where(j)} shows ${list(j)}. Only the ${nameOf(id)} is in both.`,
        citedScenes: [i, j],
        referents: [id],
      });
    }

  // Counting distinct entities of one shape across the scenes.
  for (const shape of SHAPES) {
    const ids = clean.filter((id) => entityOf(world, id).shape === shape);
    const at = sorted(ids.flatMap((id) => seenIn.get(id) ?? []));
    const blurred = [...glimpsed].some((id) => entityOf(world, id).shape === shape);
    if (ids.length < 2 || at.length < 2 || blurred) continue;
    push({
      family: 'counting',
      question: `How many different ${SHAPE_PLURALS[shape]} appear across the video?`,
      answer: `${ids.length}: ${listPhrase(ids.map((id) => `the ${nameOf(id)}`))}.`,
      reasoning: `${at.map((i) => `${label(i)} shows ${listPhrase(ids.filter((id) => (seenIn.get(id) ?? []).includes(i)).map((id) => `the ${nameOf(id)}`))}.`).join(' ')} Counting each ${shape} once gives ${ids.length}.`,
      citedScenes: at,
      referents: ids,
    });
  }

  // Temporal order of first appearances in different scenes: pairs of recurring entities, or a
  // recurring entity and the first one-off seen in another scene when those pairs give nothing.
  const firstScene = (id: string): number => (seenIn.get(id) ?? [])[0] ?? -1;
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
      answer: `The ${nameOf(early)}.`,
      reasoning: `The ${nameOf(early)} first appears in ${label(firstScene(early))}. The ${nameOf(late)} first appears in ${label(firstScene(late))}, which comes later.`,
      citedScenes: [firstScene(early), firstScene(late)],
      referents: [early, late],
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
      answer: `${picked.map(letter).join(', then ')}.`,
      reasoning: `${picked.map((e) => `In ${label(e.i)} ${e.phrase}.`).join(' ')} So the order is ${picked.map(letter).join(', ')}.`,
      citedScenes: picked.map((e) => e.i),
      referents: [...new Set(picked.flatMap((e) => e.ids))],
    });
  }
  return out;
}
