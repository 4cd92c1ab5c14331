// Ground truth of any time span of a world video: what is visible, how it moves, what happens,
// and a caption written from those facts only. A span may be a whole scene or a clip the studio
// cut across scene boundaries.

import { entityOf } from './lookup';
import { directionOf, positionAt, regionOf } from './motion';
import type { SceneDescription, SeenObject, SpanFacts, SpanTruth, World, WorldEvent, WorldScene, WorldVideo } from './types';
import { DIRECTION_ANSWERS, SPEED_ADVERBS, article, capitalise, clockTime, listPhrase, type Direction } from './vocabulary';

/** An object seen for less than this (s) in a span is too brief to ask about: 2 frames at 1 fps. */
export const MIN_VISIBLE_S = 2;

export function spanFacts(world: World, video: WorldVideo, startS: number, endS: number): SpanFacts {
  const s0 = Math.max(0, startS);
  const s1 = Math.min(video.durationS, endS);
  const facts: SpanFacts = {
    videoId: video.id,
    startS,
    endS,
    scenes: [],
    backgrounds: [],
    objects: [],
    marginal: [],
    counts: { objects: 0, byShape: {}, byColour: {} },
    events: [],
  };
  const aspect = world.config.width / world.config.height;
  for (const scene of video.scenes) {
    if (scene.endS <= s0 || scene.startS >= s1) continue;
    const from = Math.max(s0, scene.startS);
    const to = Math.min(s1, scene.endS);
    facts.scenes.push(scene.index);
    facts.backgrounds.push({ sceneIndex: scene.index, background: scene.background, fromS: from, toS: to });
    const events = scene.events.filter((e) => e.t > s0 && e.t < s1);
    facts.events.push(...events);
    scene.objects.forEach((track, trackIndex) => {
      const a = Math.max(from, track.appearS);
      const b = Math.min(to, track.disappearS);
      if (b <= a) return;
      if (b - a < MIN_VISIBLE_S) {
        facts.marginal.push({ entityId: track.entityId, sceneIndex: scene.index });
        return;
      }
      const entity = entityOf(world, track.entityId);
      const p0 = positionAt(track.keys, a);
      const p1 = positionAt(track.keys, b);
      const direction = directionOf(p1.x - p0.x, p1.y - p0.y);
      const collidesWith = events.flatMap((e) =>
        e.kind !== 'collide' ? [] : e.entityId === track.entityId ? [e.otherId] : e.otherId === track.entityId ? [e.entityId] : [],
      );
      facts.objects.push({
        entityId: entity.id,
        name: entity.name,
        shape: entity.shape,
        colour: entity.colour,
        texture: entity.texture,
        size: entity.size,
        recurring: entity.recurring,
        sceneIndex: scene.index,
        trackIndex,
        backgroundId: scene.background.id,
        fromS: a,
        toS: b,
        direction,
        speed: direction === 'still' ? null : track.speed,
        from: p0,
        to: p1,
        region: regionOf(p0.x, p0.y, aspect),
        appears: track.appearS > from,
        disappears: track.disappearS < to,
        collidesWith,
      });
    });
  }
  const distinct = new Map(facts.objects.map((o) => [o.entityId, o]));
  facts.counts.objects = distinct.size;
  for (const o of distinct.values()) {
    facts.counts.byShape[o.shape] = (facts.counts.byShape[o.shape] ?? 0) + 1;
    facts.counts.byColour[o.colour] = (facts.counts.byColour[o.colour] ?? 0) + 1;
  }
  return facts;
}

export function describeScene(world: World, video: WorldVideo, scene: WorldScene): SceneDescription {
  return spanFacts(world, video, scene.startS, scene.endS);
}

/** Ground truth of [startS, endS) of a video, with its caption. */
export function describeSpan(world: World, video: WorldVideo, startS: number, endS: number): SpanTruth {
  const facts = spanFacts(world, video, startS, endS);
  return { ...facts, caption: spanCaption(world, facts) };
}

export function motionPhrase(direction: Direction, speed: SeenObject['speed']): string {
  if (direction === 'still') return 'stays still';
  const way = direction === 'left' || direction === 'right' ? `to the ${direction}` : DIRECTION_ANSWERS[direction];
  return speed ? `moves ${SPEED_ADVERBS[speed]} ${way}` : `moves ${way}`;
}

function objectClause(o: SeenObject, at: (t: number) => string, seenBefore: ReadonlySet<string>): string {
  const returning = seenBefore.has(o.entityId);
  const parts: string[] = [];
  if (o.appears) parts.push(`appears at ${at(o.fromS)}`);
  else if (returning) parts.push('returns');
  parts.push(o.direction === 'still' ? `stays still ${o.region}` : motionPhrase(o.direction, o.speed));
  if (o.disappears) parts.push(`disappears at ${at(o.toS)}`);
  const subject = returning ? `the ${o.name} (seen before)` : `a ${o.name}`;
  return `${subject} ${listPhrase(parts)}`;
}

function eventSentence(world: World, e: WorldEvent, at: (t: number) => string): string | undefined {
  if (e.kind !== 'collide') return undefined;
  return `At ${at(e.t)} the ${entityOf(world, e.entityId).name} bumps into the ${entityOf(world, e.otherId).name} and they stop.`;
}

/**
 * A caption made from the facts only; times are m:ss from the span start. `seenBefore` lists
 * entities shown earlier in the video (recursive captioning, Stage 2): they "return".
 */
export function spanCaption(world: World, facts: SpanFacts, seenBefore: ReadonlySet<string> = new Set()): string {
  const at = (t: number): string => clockTime(t - facts.startS);
  const sentences = facts.backgrounds.map((bg, i) => {
    const objects = facts.objects.filter((o) => o.sceneIndex === bg.sceneIndex);
    const name = bg.background.name;
    const where = i === 0 ? `On ${article(name)} ${name} background` : `At ${at(bg.fromS)} the view changes to ${article(name)} ${name} background`;
    const clauses = objects.map((o) => objectClause(o, at, seenBefore));
    const body = clauses.length > 0 ? `${where}: ${clauses.join('; ')}.` : `${where}, with nothing in view.`;
    const events = facts.events.filter((e) => bg.fromS < e.t && e.t < bg.toS).flatMap((e) => eventSentence(world, e, at) ?? []);
    return [capitalise(body), ...events].join(' ');
  });
  return sentences.join(' ') || 'Nothing is shown.';
}

export function sceneCaption(world: World, description: SceneDescription): string {
  return spanCaption(world, description);
}
