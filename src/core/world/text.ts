// Stage 1 questions as text and back. Every question is written from a WorldQuery by fixed
// templates, so the oracle can read a question it wrote earlier (e.g. after a reload) and answer
// it again from other clips.

import { sceneOfBackground } from './lookup';
import type { ObjectCue, World, WorldQuery } from './types';
import {
  OBJECT_COLOUR_NAMES,
  SHAPES,
  SHAPE_PLURALS,
  SIZES,
  TEXTURES,
  capitalise,
  listPhrase,
  type ObjectColour,
  type Shape,
  type Size,
  type Texture,
} from './vocabulary';

/** "large striped red circle", "red object": size, texture, colour, then shape (or "object"). */
export function nounPhrase(cue: ObjectCue): string {
  return [cue.size, cue.texture, cue.colour, cue.shape ?? 'object'].filter((w) => w !== undefined).join(' ');
}

function pluralPhrase(cue: ObjectCue): string {
  return [cue.size, cue.texture, cue.colour, cue.shape ? SHAPE_PLURALS[cue.shape] : 'objects'].filter((w) => w !== undefined).join(' ');
}

function body(query: WorldQuery): string {
  switch (query.family) {
    case 'colour':
      return `what colour is the ${nounPhrase(query.cue)}?`;
    case 'shape':
      return `what shape is the ${nounPhrase(query.cue)}?`;
    case 'direction':
      return `which way does the ${nounPhrase(query.cue)} move?`;
    case 'count':
      return `how many ${pluralPhrase(query.cue)} are there?`;
    case 'relative_position':
      return query.axis === 'horizontal'
        ? `is the ${nounPhrase(query.cue)} to the left or to the right of the ${nounPhrase(query.other)}?`
        : `is the ${nounPhrase(query.cue)} above or below the ${nounPhrase(query.other)}?`;
    case 'presence':
      return `which of these appears in the video: ${listPhrase(query.options.map((o) => `a ${nounPhrase(o)}`), 'or')}?`;
    case 'detail':
      switch (query.aspect) {
        case 'texture':
          return `what pattern is on the ${nounPhrase(query.cue)}?`;
        case 'size':
          return `is the ${nounPhrase(query.cue)} small, medium or large?`;
        case 'background':
          return `what pattern is the background behind the ${nounPhrase(query.cue)}?`;
        case 'collision':
          return `what does the ${nounPhrase(query.cue)} collide with?`;
        case 'appear':
          return 'which object appears after the start?';
      }
  }
}

/** The question's text; a cue's background becomes the anchoring "On the … background," prefix. */
export function formatQuestion(world: World, query: WorldQuery): string {
  const bgId = 'cue' in query ? query.cue.backgroundId : undefined;
  const scene = bgId === undefined ? undefined : sceneOfBackground(world, bgId)?.scene;
  if (bgId !== undefined && !scene) throw new RangeError(`no background ${bgId} in this world`);
  return capitalise(scene ? `On the ${scene.background.name} background, ${body(query)}` : body(query));
}

const isShape = (w: string): w is Shape => (SHAPES as readonly string[]).includes(w);
const isColour = (w: string): w is ObjectColour => (OBJECT_COLOUR_NAMES as readonly string[]).includes(w);
const isTexture = (w: string): w is Texture => (TEXTURES as readonly string[]).includes(w);
const isSize = (w: string): w is Size => (SIZES as readonly string[]).includes(w);

/** Reads a noun phrase back (singular, or plural for counts); undefined when a word is unknown. */
function parseNounPhrase(text: string, plural: boolean): ObjectCue | undefined {
  const words = text.trim().split(' ');
  const head = words.pop() ?? '';
  const cue: ObjectCue = {};
  if (plural) {
    const shape = SHAPES.find((s) => SHAPE_PLURALS[s] === head);
    if (shape) cue.shape = shape;
    else if (head !== 'objects') return undefined;
  } else if (isShape(head)) cue.shape = head;
  else if (head !== 'object') return undefined;
  for (const w of words) {
    if (isSize(w) && !cue.size) cue.size = w;
    else if (isTexture(w) && !cue.texture) cue.texture = w;
    else if (isColour(w) && !cue.colour) cue.colour = w;
    else return undefined;
  }
  return cue;
}

type Template = [RegExp, (m: RegExpMatchArray) => WorldQuery | undefined];

const cueQuery = (family: 'colour' | 'shape' | 'direction') => (m: RegExpMatchArray) => {
  const cue = parseNounPhrase(m[1] ?? '', false);
  return cue && { family, cue };
};
const detailQuery = (aspect: 'texture' | 'size' | 'background' | 'collision') => (m: RegExpMatchArray) => {
  const cue = parseNounPhrase(m[1] ?? '', false);
  return cue && { family: 'detail' as const, aspect, cue };
};
const relativeQuery = (axis: 'horizontal' | 'vertical') => (m: RegExpMatchArray) => {
  const cue = parseNounPhrase(m[1] ?? '', false);
  const other = parseNounPhrase(m[2] ?? '', false);
  return cue && other && { family: 'relative_position' as const, axis, cue, other };
};

const TEMPLATES: Template[] = [
  [/^what colour is the ([a-z ]+)\?$/, cueQuery('colour')],
  [/^what shape is the ([a-z ]+)\?$/, cueQuery('shape')],
  [/^which way does the ([a-z ]+) move\?$/, cueQuery('direction')],
  [/^how many ([a-z ]+) are there\?$/, (m) => {
    const cue = parseNounPhrase(m[1] ?? '', true);
    return cue && { family: 'count', cue };
  }],
  [/^is the ([a-z ]+) to the left or to the right of the ([a-z ]+)\?$/, relativeQuery('horizontal')],
  [/^is the ([a-z ]+) above or below the ([a-z ]+)\?$/, relativeQuery('vertical')],
  [/^which of these appears in the video: (.+)\?$/, (m) => {
    const parts = (m[1] ?? '').split(/, | or /).map((p) => p.replace(/^an? /, ''));
    const options = parts.map((p) => parseNounPhrase(p, false));
    return options.every((o) => o !== undefined) && options.length >= 2 ? { family: 'presence', options } : undefined;
  }],
  [/^what pattern is on the ([a-z ]+)\?$/, detailQuery('texture')],
  [/^is the ([a-z ]+) small, medium or large\?$/, detailQuery('size')],
  [/^what pattern is the background behind the ([a-z ]+)\?$/, detailQuery('background')],
  [/^what does the ([a-z ]+) collide with\?$/, detailQuery('collision')],
  [/^which object appears after the start\?$/, () => ({ family: 'detail', aspect: 'appear', cue: {} })],
];

/** The query a question text was written from, or undefined when it is not one of ours. */
export function parseQuestion(world: World, text: string): WorldQuery | undefined {
  let rest = text.trim().replace(/\s+/g, ' ');
  let backgroundId: string | undefined;
  const prefix = /^On the (.+?) background, (.+)$/.exec(rest);
  if (prefix) {
    const found = sceneOfBackground(world, prefix[1] ?? '');
    if (!found) return undefined;
    backgroundId = found.scene.background.id;
    rest = prefix[2] ?? '';
  }
  rest = rest.charAt(0).toLowerCase() + rest.slice(1);
  for (const [pattern, build] of TEMPLATES) {
    const m = pattern.exec(rest);
    if (!m) continue;
    const query = build(m);
    if (!query) return undefined;
    if (backgroundId !== undefined) {
      if (query.family === 'presence') return undefined;
      query.cue.backgroundId = backgroundId;
      if (query.family === 'relative_position') query.other.backgroundId = backgroundId;
    } else if (query.family === 'detail' && query.aspect === 'appear') return undefined;
    return query;
  }
  return undefined;
}
