import { describe, expect, it } from 'vitest';
import { spanFacts } from './describe';
import { FACT_FEATURES_DIM, FACT_OBJECT_SLOTS, FACT_TOKEN_DIM, FACT_TOKENS, factFeatures, factTokens, halfFactId, withFactFeatures, withFactHalf, withHalfFacts } from './factFeatures';
import { buildWorld } from './index';
import type { SpanFacts } from './types';

describe('factFeatures (oracle clip features)', () => {
  const world = buildWorld({ seed: 42, shortClips: 8, longVideos: 1, scenesPerLongVideo: [3, 3], sceneSeconds: [20, 30] });
  const aspect = world.config.width / world.config.height;
  const video = world.videos.find((v) => v.kind === 'short')!;
  const facts = spanFacts(world, video, 0, Math.min(8, video.durationS));

  it('is a unit vector of the documented length, the same for the same span', () => {
    expect(facts.objects.length).toBeGreaterThan(0);
    const v = factFeatures(facts, aspect);
    expect(v.length).toBe(FACT_FEATURES_DIM);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(Array.from(factFeatures(spanFacts(world, video, 0, Math.min(8, video.durationS)), aspect))).toEqual(Array.from(v));
  });

  it('binds colour to shape: swapping two objects’ colours changes the vector, not its bag of colours and shapes', () => {
    const base = facts.objects[0]!;
    const a = { ...base, colour: 'red' as const, shape: 'circle' as const };
    const b = { ...base, colour: 'blue' as const, shape: 'square' as const };
    const swapped = { ...base, colour: 'blue' as const, shape: 'circle' as const };
    const swapped2 = { ...base, colour: 'red' as const, shape: 'square' as const };
    const one: SpanFacts = { ...facts, objects: [a, b] };
    const two: SpanFacts = { ...facts, objects: [swapped, swapped2] };
    const x = factFeatures(one, aspect);
    const y = factFeatures(two, aspect);
    let dot = 0;
    for (let i = 0; i < x.length; i++) dot += (x[i] as number) * (y[i] as number);
    expect(dot).toBeLessThan(0.9);
  });

  it('names an unknown value instead of writing a wrong vector', () => {
    const bad: SpanFacts = { ...facts, objects: [{ ...facts.objects[0]!, colour: 'mauve' as never }] };
    expect(() => factFeatures(bad, aspect)).toThrow(/unknown colour "mauve"/);
  });
});

describe('withFactFeatures', () => {
  it('replaces each clip’s embedding with its span’s facts and refuses a clip of another world', () => {
    const world = buildWorld({ seed: 7, shortClips: 4, longVideos: 1, scenesPerLongVideo: [3, 3], sceneSeconds: [20, 30] });
    const video = world.videos[0]!;
    const clips = [{ id: 'a', videoId: video.id, startS: 0, endS: 8, embedding: new Float32Array(3) }];
    const [out] = withFactFeatures(world, clips);
    expect(out!.id).toBe('a');
    expect(out!.embedding.length).toBe(FACT_FEATURES_DIM);
    expect(Array.from(out!.embedding)).toEqual(Array.from(factFeatures(spanFacts(world, video, 0, 8), world.config.width / world.config.height)));
    expect(() => withFactFeatures(world, [{ ...clips[0]!, videoId: 'w1-short-000' }])).toThrow(/not a video of this world/);
    const [slots] = withFactFeatures(world, clips, 'fact-tokens');
    expect(Array.from(slots!.embedding)).toEqual(Array.from(factTokens(spanFacts(world, video, 0, 8), world.config.width / world.config.height)));
  });
});

describe('factTokens (the slot form)', () => {
  const world = buildWorld({ seed: 42 });
  const aspect = world.config.width / world.config.height;

  it('one span token and one token per object, each of length 1/√tokens (empty slots zero); the demo world fits the slots', () => {
    let over = 0;
    let all = 0;
    for (const video of world.videos) {
      for (let t = 0; t + 8 <= video.durationS; t += 8) {
        const facts = spanFacts(world, video, t, t + 8);
        all++;
        if (facts.objects.length > FACT_OBJECT_SLOTS) over++;
        const n = Math.min(FACT_OBJECT_SLOTS, facts.objects.length);
        const v = factTokens(facts, aspect);
        expect(v.length).toBe(FACT_TOKENS * FACT_TOKEN_DIM);
        expect(Math.hypot(...v)).toBeCloseTo(Math.sqrt((1 + n) / FACT_TOKENS), 5);
        for (let k = 0; k < FACT_TOKENS; k++) {
          const token = v.subarray(k * FACT_TOKEN_DIM, (k + 1) * FACT_TOKEN_DIM);
          const norm = Math.hypot(...token) * Math.sqrt(FACT_TOKENS);
          expect(norm).toBeCloseTo(k <= n ? 1 : 0, 5);
        }
      }
    }
    // Objects past the slots are left out: few clips of the full demo world have that many.
    expect(over / all).toBeLessThan(0.06); // 5.3% in world 42
  });

  it('an object’s colour and shape are in the same token', () => {
    const video = world.videos.find((v) => v.kind === 'short')!;
    const facts = spanFacts(world, video, 0, 8);
    const o = facts.objects[0]!;
    const token = factTokens({ ...facts, objects: [o] }, aspect).subarray(FACT_TOKEN_DIM, 2 * FACT_TOKEN_DIM);
    const colours = 12;
    expect(token.findIndex((x) => x > 0)).toBeLessThan(colours);
    expect(Array.from(token.subarray(colours, colours + 8)).filter((x) => x > 0)).toHaveLength(1);
  });
});

describe('half-oracle object tokens (refeature --features fact-background|fact-objects)', () => {
  const W = 99;
  const measured = Float32Array.from({ length: FACT_TOKENS * W }, (_, i) => 1 + (i % 7));
  const facts = Float32Array.from({ length: FACT_TOKENS * FACT_TOKEN_DIM }, (_, i) => -(1 + (i % 5)));
  const token = (v: Float32Array, t: number, w: number): number[] => Array.from(v.subarray(t * w, (t + 1) * w));
  const padded = (t: number): number[] => [...token(facts, t, FACT_TOKEN_DIM), ...new Array<number>(W - FACT_TOKEN_DIM).fill(0)];

  it('fact-background writes the span token (zero-padded) and keeps the measured object tokens', () => {
    const out = withFactHalf(measured, facts, W, 'fact-background');
    expect(token(out, 0, W)).toEqual(padded(0));
    for (let t = 1; t < FACT_TOKENS; t++) expect(token(out, t, W)).toEqual(token(measured, t, W));
    expect(measured[0]).toBe(1); // the input is not changed
  });

  it('fact-objects keeps the measured background token and writes every object token', () => {
    const out = withFactHalf(measured, facts, W, 'fact-objects');
    expect(token(out, 0, W)).toEqual(token(measured, 0, W));
    for (let t = 1; t < FACT_TOKENS; t++) expect(token(out, t, W)).toEqual(padded(t));
  });

  it('refuses vectors of the wrong layout, naming the expected one', () => {
    expect(() => withFactHalf(measured.subarray(W), facts, W, 'fact-objects')).toThrow(/must be 6 tokens of at least 48/);
    expect(() => withFactHalf(measured, facts.subarray(1), W, 'fact-objects')).toThrow(/fact vector must be 288 long/);
  });

  it('takes the facts of each clip’s own span from the world, and names its id', () => {
    const world = buildWorld({ seed: 7, shortClips: 4, longVideos: 1, scenesPerLongVideo: [3, 3], sceneSeconds: [20, 30] });
    const video = world.videos[0]!;
    const [out] = withHalfFacts(world, [{ id: 'a', videoId: video.id, startS: 0, endS: 8, embedding: measured }], W, 'fact-background');
    const truth = factTokens(spanFacts(world, video, 0, 8), world.config.width / world.config.height);
    expect(token(out!.embedding, 0, W).slice(0, FACT_TOKEN_DIM)).toEqual(token(truth, 0, FACT_TOKEN_DIM));
    expect(token(out!.embedding, 1, W)).toEqual(token(measured, 1, W));
    expect(halfFactId('pixels:object-tokens-v1', 'fact-objects')).toBe('pixels:object-tokens-v1+oracle:fact-objects');
  });
});
