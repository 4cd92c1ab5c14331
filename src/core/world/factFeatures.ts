// Oracle clip features for the demo world (issue #13, a diagnostic): a clip's embedding written
// from the world's ground truth of its span instead of from its pixels — a "perfect perception"
// stand-in for the capable vision encoder the paper's base model has. It separates the two things
// the study measures: whether the short-context policy can see an answer in one clip, and whether
// Stage 1 DPO teaches it to find that clip in a long context. Never a default, never for imported
// videos (it needs the world), and named in every file it reaches (its embedder id).
//
// One vector per clip, a bag of *bound* facts: for every object seen in the span, the outer
// products of its colour and its shape with each other and with its texture, size, direction of
// motion, position, and appear / collide flags — so "a red circle and a blue square" differs from
// "a blue circle and a red square" — plus the span's backgrounds and object count; L2-normalised
// like every clip embedding. Pure.

import { spanFacts } from './describe';
import type { SpanFacts, World } from './types';
import { BACKGROUND_COLOUR_NAMES, DIRECTIONS, OBJECT_COLOUR_NAMES, PATTERNS, SHAPES, SIZES, TEXTURES } from './vocabulary';

/** Embedder id of the fact features (`demo --features facts`); bump the version when the layout changes. */
export const FACT_FEATURES_ID = 'oracle:world-facts-v1';

const C = OBJECT_COLOUR_NAMES.length;
const S = SHAPES.length;
const T = TEXTURES.length;
const Z = SIZES.length;
const D = DIRECTIONS.length;
/** Most objects the count one-hot distinguishes; more land in the last slot. */
const MAX_COUNT = 8;

// Block sizes, in layout order.
const BLOCKS = {
  colourShape: C * S,
  colourTexture: C * T,
  shapeTexture: S * T,
  colourSize: C * Z,
  shapeSize: S * Z,
  colourDirection: C * D,
  shapeDirection: S * D,
  colourPosition: C * 2,
  shapePosition: S * 2,
  colourFlags: C * 2,
  shapeFlags: S * 2,
  backgroundBase: BACKGROUND_COLOUR_NAMES.length,
  backgroundAccent: BACKGROUND_COLOUR_NAMES.length,
  backgroundPattern: PATTERNS.length,
  count: MAX_COUNT + 1,
} as const;

const OFFSETS = (() => {
  const out = {} as Record<keyof typeof BLOCKS, number>;
  let at = 0;
  for (const [k, n] of Object.entries(BLOCKS) as [keyof typeof BLOCKS, number][]) {
    out[k] = at;
    at += n;
  }
  return out;
})();

/** Length of a fact-feature vector. */
export const FACT_FEATURES_DIM = Object.values(BLOCKS).reduce((a, b) => a + b, 0);

function index<T>(list: readonly T[], value: T, what: string): number {
  const i = list.indexOf(value);
  if (i < 0) throw new RangeError(`fact features: unknown ${what} "${String(value)}"`);
  return i;
}

/**
 * The fact-feature vector of a span (spanFacts of a clip). `frameAspect` (width / height) maps
 * positions, which are in frame heights, to [0, 1] across the frame.
 */
export function factFeatures(facts: SpanFacts, frameAspect: number): Float32Array {
  const v = new Float32Array(FACT_FEATURES_DIM);
  const add = (block: keyof typeof BLOCKS, i: number, x = 1): void => {
    v[OFFSETS[block] + i] = (v[OFFSETS[block] + i] as number) + x;
  };
  for (const o of facts.objects) {
    const c = index(OBJECT_COLOUR_NAMES, o.colour, 'colour');
    const s = index(SHAPES, o.shape, 'shape');
    const t = index(TEXTURES, o.texture, 'texture');
    const z = index(SIZES, o.size, 'size');
    const d = index(DIRECTIONS, o.direction, 'direction');
    // Mean position over the span, centred: −0.5 … 0.5 across and down the frame.
    const x = (o.from.x + o.to.x) / 2 / frameAspect - 0.5;
    const y = (o.from.y + o.to.y) / 2 - 0.5;
    add('colourShape', c * S + s);
    add('colourTexture', c * T + t);
    add('shapeTexture', s * T + t);
    add('colourSize', c * Z + z);
    add('shapeSize', s * Z + z);
    add('colourDirection', c * D + d);
    add('shapeDirection', s * D + d);
    add('colourPosition', c * 2, x);
    add('colourPosition', c * 2 + 1, y);
    add('shapePosition', s * 2, x);
    add('shapePosition', s * 2 + 1, y);
    if (o.appears) {
      add('colourFlags', c * 2);
      add('shapeFlags', s * 2);
    }
    if (o.collidesWith.length > 0) {
      add('colourFlags', c * 2 + 1);
      add('shapeFlags', s * 2 + 1);
    }
  }
  for (const b of facts.backgrounds) {
    add('backgroundBase', index(BACKGROUND_COLOUR_NAMES, b.background.base, 'background colour'));
    add('backgroundAccent', index(BACKGROUND_COLOUR_NAMES, b.background.accent, 'background colour'));
    add('backgroundPattern', index(PATTERNS, b.background.pattern, 'pattern'));
  }
  add('count', Math.min(MAX_COUNT, facts.counts.objects));
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}

/** Embedder id of the slot form (`demo --features fact-tokens`): one token for the span, one per object. */
export const FACT_TOKENS_ID = 'oracle:world-fact-tokens-v1';
/**
 * Object tokens per clip; one more token holds the span. Objects past this many are left out:
 * about 5% of the full demo world's 8 s clips hold more (mostly clips across a scene cut).
 */
export const FACT_OBJECT_SLOTS = 5;
/** Width of every fact token (zero-padded). */
export const FACT_TOKEN_DIM = 48;
/** Visual tokens per clip of the slot form. */
export const FACT_TOKENS = FACT_OBJECT_SLOTS + 1;

/**
 * The slot form of the fact features: FACT_TOKENS tokens of FACT_TOKEN_DIM, in order — the span
 * (backgrounds, object count), then one per seen object in appearance order (colour, shape,
 * texture, size, direction one-hots, mean position, appears / collides flags); empty slots are
 * zeros. Where the bag form binds attributes by outer products, this one binds them by being in
 * the same token, as a vision encoder's object or patch tokens do: the policy finds an object by
 * attention instead of decoding a product. Each token is scaled to length 1/√tokens, so a full
 * clip is a unit vector and the policy's √r scaling gives unit tokens, as with the region tokens.
 */
export function factTokens(facts: SpanFacts, frameAspect: number): Float32Array {
  const v = new Float32Array(FACT_TOKENS * FACT_TOKEN_DIM);
  const put = (token: number, i: number, x: number): void => {
    if (i >= FACT_TOKEN_DIM) throw new RangeError(`fact tokens: index ${i} past the token width ${FACT_TOKEN_DIM}`);
    v[token * FACT_TOKEN_DIM + i] = (v[token * FACT_TOKEN_DIM + i] as number) + x;
  };
  const nb = BACKGROUND_COLOUR_NAMES.length;
  for (const b of facts.backgrounds) {
    put(0, index(BACKGROUND_COLOUR_NAMES, b.background.base, 'background colour'), 1);
    put(0, nb + index(BACKGROUND_COLOUR_NAMES, b.background.accent, 'background colour'), 1);
    put(0, 2 * nb + index(PATTERNS, b.background.pattern, 'pattern'), 1);
  }
  put(0, 2 * nb + PATTERNS.length + Math.min(MAX_COUNT, facts.counts.objects), 1);
  facts.objects.slice(0, FACT_OBJECT_SLOTS).forEach((o, k) => {
    const t = k + 1;
    let at = 0;
    const hot = <V,>(list: readonly V[], value: V, what: string): void => {
      put(t, at + index(list, value, what), 1);
      at += list.length;
    };
    hot(OBJECT_COLOUR_NAMES, o.colour, 'colour');
    hot(SHAPES, o.shape, 'shape');
    hot(TEXTURES, o.texture, 'texture');
    hot(SIZES, o.size, 'size');
    hot(DIRECTIONS, o.direction, 'direction');
    put(t, at++, (o.from.x + o.to.x) / 2 / frameAspect - 0.5);
    put(t, at++, (o.from.y + o.to.y) / 2 - 0.5);
    put(t, at++, o.appears ? 1 : 0);
    put(t, at++, o.collidesWith.length > 0 ? 1 : 0);
  });
  const scale = 1 / Math.sqrt(FACT_TOKENS);
  for (let t = 0; t < FACT_TOKENS; t++) {
    let norm = 0;
    for (let i = 0; i < FACT_TOKEN_DIM; i++) norm += (v[t * FACT_TOKEN_DIM + i] as number) ** 2;
    if (norm === 0) continue;
    const k = scale / Math.sqrt(norm);
    for (let i = 0; i < FACT_TOKEN_DIM; i++) v[t * FACT_TOKEN_DIM + i] = (v[t * FACT_TOKEN_DIM + i] as number) * k;
  }
  return v;
}

/** The two forms of the fact features, as `demo --features` names them, with what a clips file records. */
export const FACT_FORMS = {
  facts: { id: FACT_FEATURES_ID, dim: FACT_FEATURES_DIM, tokens: 1, vector: factFeatures },
  'fact-tokens': { id: FACT_TOKENS_ID, dim: FACT_TOKENS * FACT_TOKEN_DIM, tokens: FACT_TOKENS, vector: factTokens },
} as const;
export type FactForm = keyof typeof FACT_FORMS;

export function isFactForm(features: string): features is FactForm {
  return Object.hasOwn(FACT_FORMS, features);
}

/** Spans (clips of world videos, by `videoId`) with their embedding replaced by their fact features. */
export function withFactFeatures<T extends { videoId: string; startS: number; endS: number; embedding: Float32Array }>(world: World, spans: readonly T[], form: FactForm = 'facts'): T[] {
  const { vector } = FACT_FORMS[form];
  return withSpanFacts(world, spans, (facts, aspect) => vector(facts, aspect));
}

/** Spans of world videos with their embedding replaced by `embed` of their facts (and the frame aspect). */
function withSpanFacts<T extends { videoId: string; startS: number; endS: number; embedding: Float32Array }>(world: World, spans: readonly T[], embed: (facts: SpanFacts, frameAspect: number, span: T) => Float32Array): T[] {
  const videos = new Map(world.videos.map((v) => [v.id, v]));
  const aspect = world.config.width / world.config.height;
  return spans.map((span) => {
    const video = videos.get(span.videoId);
    if (!video) throw new RangeError(`fact features: ${span.videoId} is not a video of this world`);
    return { ...span, embedding: embed(spanFacts(world, video, span.startS, span.endS), aspect, span) };
  });
}

/**
 * Half-oracle forms of the pixel object tokens (a diagnostic, `refeature --features
 * fact-background|fact-objects` of an object-token folder): one half of each clip's measured
 * tokens replaced by the fact tokens' same half, zero-padded to the object token's width —
 * `fact-background` writes the span token (backgrounds, count) from the world and keeps the
 * measured object tokens; `fact-objects` keeps the measured background token and writes the object
 * tokens from the world. Which half, made perfect, brings back the reading the measured tokens lose
 * in long contexts says which half of the perception to improve: finding the anchor (the questions
 * name it by its background) or reading its objects.
 */
export const HALF_FACT_FORMS = ['fact-background', 'fact-objects'] as const;
export type HalfFactForm = (typeof HALF_FACT_FORMS)[number];

export function isHalfFactForm(features: string): features is HalfFactForm {
  return (HALF_FACT_FORMS as readonly string[]).includes(features);
}

/** The embedder id of a half-oracle form of the measured tokens `measuredId`. */
export function halfFactId(measuredId: string, form: HalfFactForm): string {
  return `${measuredId}+oracle:${form}`;
}

/**
 * `measured` (FACT_TOKENS tokens of `tokenDim` ≥ FACT_TOKEN_DIM) with the half `form` names
 * replaced by the fact tokens `facts` (FACT_TOKENS × FACT_TOKEN_DIM), each written token
 * zero-padded to `tokenDim`. A new vector; the inputs are not changed.
 */
export function withFactHalf(measured: Float32Array, facts: Float32Array, tokenDim: number, form: HalfFactForm): Float32Array {
  if (tokenDim < FACT_TOKEN_DIM || measured.length !== FACT_TOKENS * tokenDim)
    throw new RangeError(`half facts: the measured vector must be ${FACT_TOKENS} tokens of at least ${FACT_TOKEN_DIM} (got ${measured.length} values of tokens ${tokenDim} wide)`);
  if (facts.length !== FACT_TOKENS * FACT_TOKEN_DIM) throw new RangeError(`half facts: the fact vector must be ${FACT_TOKENS * FACT_TOKEN_DIM} long, got ${facts.length}`);
  const out = Float32Array.from(measured);
  const write = (t: number): void => {
    out.fill(0, t * tokenDim, (t + 1) * tokenDim);
    out.set(facts.subarray(t * FACT_TOKEN_DIM, (t + 1) * FACT_TOKEN_DIM), t * tokenDim);
  };
  if (form === 'fact-background') write(0);
  else for (let t = 1; t < FACT_TOKENS; t++) write(t);
  return out;
}

/** Spans of world videos whose measured token embeddings (FACT_TOKENS × `tokenDim`) get the half `form` from the world. */
export function withHalfFacts<T extends { videoId: string; startS: number; endS: number; embedding: Float32Array }>(world: World, spans: readonly T[], tokenDim: number, form: HalfFactForm): T[] {
  return withSpanFacts(world, spans, (facts, aspect, span) => withFactHalf(span.embedding, factTokens(facts, aspect), tokenDim, form));
}
