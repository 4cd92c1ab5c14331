// Answers Stage 1 queries from what is visible in some spans. One evaluator gives the true answer
// (over the anchor), the honest answer over other clips (the Stage 1 y−, DESIGN.md §1 step 3) and
// the question-specificity verdict (step 5), so the three can never disagree.

import { spanFacts } from './describe';
import { entityOf, sceneOfBackground } from './lookup';
import { positionAt, relationOver } from './motion';
import { nounPhrase } from './text';
import type { ObjectCue, ObjectTrack, SeenObject, World, WorldEvent, WorldQA, WorldQuery, WorldSpan } from './types';
import { DIRECTION_ANSWERS, TEXTURE_ANSWERS } from './vocabulary';

/** Objects must be this far apart (H, centre to centre) for "left of" / "above" to be asked. */
export const RELATION_MARGIN = 0.1;

export interface Sighting {
  seen: SeenObject;
  track: ObjectTrack;
  videoId: string;
}

/** Everything an answerer looking at some spans can see. */
export interface Evidence {
  sightings: Sighting[];
  backgroundIds: Set<string>;
  events: WorldEvent[];
}

export function evidenceOf(world: World, spans: readonly WorldSpan[]): Evidence {
  const evidence: Evidence = { sightings: [], backgroundIds: new Set(), events: [] };
  for (const { video, startS, endS } of spans) {
    const facts = spanFacts(world, video, startS, endS);
    for (const bg of facts.backgrounds) evidence.backgroundIds.add(bg.background.id);
    evidence.events.push(...facts.events);
    for (const seen of facts.objects) {
      const track = video.scenes[seen.sceneIndex]?.objects[seen.trackIndex];
      if (track) evidence.sightings.push({ seen, track, videoId: video.id });
    }
  }
  return evidence;
}

export function matchesCue(o: Pick<SeenObject, 'shape' | 'colour' | 'texture' | 'size'> & { backgroundId?: string }, cue: ObjectCue): boolean {
  return (
    (cue.shape === undefined || cue.shape === o.shape) &&
    (cue.colour === undefined || cue.colour === o.colour) &&
    (cue.texture === undefined || cue.texture === o.texture) &&
    (cue.size === undefined || cue.size === o.size) &&
    (cue.backgroundId === undefined || cue.backgroundId === o.backgroundId)
  );
}

/** The answer to a one-object query if `s` were its referent. */
function attributeAnswer(world: World, query: WorldQuery, s: Sighting): string | undefined {
  const o = s.seen;
  switch (query.family) {
    case 'colour':
      return o.colour;
    case 'shape':
      return o.shape;
    case 'direction':
      return DIRECTION_ANSWERS[o.direction];
    case 'detail':
      switch (query.aspect) {
        case 'texture':
          return TEXTURE_ANSWERS[o.texture];
        case 'size':
          return o.size;
        case 'background':
          return sceneOfBackground(world, o.backgroundId)?.scene.background.pattern;
        case 'collision':
          return o.collidesWith[0] === undefined ? 'nothing' : `the ${entityOf(world, o.collidesWith[0]).name}`;
        case 'appear':
          return o.appears ? `the ${o.name}` : undefined;
      }
      return undefined;
    default:
      return undefined;
  }
}

function relationAnswer(a: Sighting, b: Sighting, axis: 'horizontal' | 'vertical'): string | undefined {
  const t0 = Math.max(a.seen.fromS, b.seen.fromS);
  const t1 = Math.min(a.seen.toS, b.seen.toS);
  if (t1 <= t0) return undefined;
  let sign = relationOver(a.track, b.track, t0, t1, axis, RELATION_MARGIN);
  if (sign === 0) {
    // The relation changes within the span: an honest viewer reports the middle of it.
    const pa = positionAt(a.track.keys, (t0 + t1) / 2);
    const pb = positionAt(b.track.keys, (t0 + t1) / 2);
    sign = (axis === 'horizontal' ? pa.x - pb.x : pa.y - pb.y) < 0 ? -1 : 1;
  }
  if (axis === 'horizontal') return sign < 0 ? 'left' : 'right';
  return sign < 0 ? 'above' : 'below';
}

const sameScene = (a: Sighting, b: Sighting): boolean => a.videoId === b.videoId && a.seen.sceneIndex === b.seen.sceneIndex;

/** The answer when the query's cue resolves in the evidence; undefined when it does not. */
export function answerOf(world: World, query: WorldQuery, ev: Evidence): string | undefined {
  const find = (cue: ObjectCue) => ev.sightings.filter((s) => matchesCue(s.seen, cue));
  switch (query.family) {
    case 'presence': {
      const found = query.options.find((o) => find(o).length > 0);
      return found && `the ${nounPhrase(found)}`;
    }
    case 'count': {
      if (query.cue.backgroundId !== undefined && !ev.backgroundIds.has(query.cue.backgroundId)) return undefined;
      return String(new Set(find(query.cue).map((s) => s.seen.entityId)).size);
    }
    case 'relative_position': {
      const a = find(query.cue)[0];
      const b = a && find(query.other).find((s) => sameScene(s, a) && s.seen.entityId !== a.seen.entityId);
      return a && b ? relationAnswer(a, b, query.axis) : undefined;
    }
    case 'detail':
      if (query.aspect === 'appear') {
        if (query.cue.backgroundId === undefined || !ev.backgroundIds.has(query.cue.backgroundId)) return undefined;
        const first = find(query.cue).filter((s) => s.seen.appears).sort((p, q) => p.seen.fromS - q.seen.fromS)[0];
        return first ? `the ${first.seen.name}` : 'nothing';
      }
  }
  const referent = find(query.cue)[0];
  return referent && attributeAnswer(world, query, referent);
}

/** How much a sighting looks like a cue: shape and texture count most. */
function likeness(o: SeenObject, cue: ObjectCue): number {
  return (o.shape === cue.shape ? 4 : 0) + (o.texture === cue.texture ? 2 : 0) + (o.colour === cue.colour ? 2 : 0) + (o.size === cue.size ? 1 : 0);
}

function byLikeness(ev: Evidence, cue: ObjectCue): Sighting[] {
  return ev.sightings.map((s, i) => ({ s, i, score: likeness(s.seen, cue) })).sort((p, q) => q.score - p.score || p.i - q.i).map((x) => x.s);
}

/**
 * What an answerer says when the referent is not in view: the answer of the most similar thing
 * it does see (plausible but wrong), never `truth`. Undefined when nothing similar differs.
 */
function lookalikeAnswer(world: World, query: WorldQuery, ev: Evidence, truth: string): string | undefined {
  const differs = (a: string | undefined): a is string => a !== undefined && a !== truth;
  switch (query.family) {
    case 'presence':
      return undefined;
    case 'count': {
      const { backgroundId: _, ...kind } = query.cue;
      for (const bg of ev.backgroundIds) {
        const n = String(new Set(ev.sightings.filter((s) => s.seen.backgroundId === bg && matchesCue(s.seen, kind)).map((s) => s.seen.entityId)).size);
        if (differs(n)) return n;
      }
      return undefined;
    }
    case 'relative_position':
      for (const a of byLikeness(ev, query.cue))
        for (const b of byLikeness(ev, query.other)) {
          if (!sameScene(a, b) || a.seen.entityId === b.seen.entityId) continue;
          const answer = relationAnswer(a, b, query.axis);
          if (differs(answer)) return answer;
        }
      return undefined;
    default:
      for (const s of byLikeness(ev, query.cue)) {
        const answer = attributeAnswer(world, query, s);
        if (differs(answer)) return answer;
      }
      return undefined;
  }
}

/** The answer of someone who looks for a referent that is not there at all. */
export function absentAnswer(query: WorldQuery): string {
  switch (query.family) {
    case 'presence':
      return 'none of them';
    case 'count':
      return '0';
    case 'detail':
      if (query.aspect === 'appear') return 'nothing';
  }
  const { backgroundId: _, ...look } = query.cue;
  return `there is no ${nounPhrase(look)}`;
}

/**
 * What an honest answerer says looking only at `spans`: the true answer when the referent is in
 * view; otherwise the answer of a similar object (plausible but wrong), or "none"/"no such
 * object" — never the true answer. This is the Stage 1 rejected answer from distractors.
 */
export function answerFrom(world: World, qa: WorldQA, spans: readonly WorldSpan[]): string {
  const ev = evidenceOf(world, spans);
  return answerOf(world, qa.query, ev) ?? lookalikeAnswer(world, qa.query, ev, qa.answer) ?? absentAnswer(qa.query);
}

/**
 * Question specificity (DESIGN.md §1 Stage 1 step 5): the question resolves in the anchor with its
 * answer, and in none of `others` (indices of those where it does resolve: they could answer it).
 */
export function isSpecificTo(world: World, qa: WorldQA, anchor: WorldSpan, others: readonly WorldSpan[]): { specific: boolean; answerableBy: number[] } {
  const anchored = answerOf(world, qa.query, evidenceOf(world, [anchor])) === qa.answer;
  const answerableBy = others.flatMap((span, i) => (answerOf(world, qa.query, evidenceOf(world, [span])) === undefined ? [] : [i]));
  return { specific: anchored && answerableBy.length === 0, answerableBy };
}

