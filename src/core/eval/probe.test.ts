// The held-out probe (issue #13 groundwork): balanced anchor positions, clips only from the given
// (held-out) world, candidates that hold the answer once, Wilson intervals, and scores that
// behave: a constant answer scores about chance, an oracle scorer 100%.
import { describe, expect, it } from 'vitest';
import { fixedClips } from '../clips';
import type { SimilaritySource } from '../synthesis/distractors';
import type { SynthClip } from '../synthesis/stage1Settings';
import { buildWorld, createOracleGenerator, type World } from '../world';
import { summarise } from './aggregate';
import { buildProbe, PROBE_DEFAULTS, spreadPositions, withAnchorHidden } from './probe';
import { proportion, wilson } from './stats';

function worldClips(world: World): SynthClip[] {
  return world.videos.flatMap((v) =>
    (v.kind === 'short' ? [{ startS: 0, endS: v.durationS }] : fixedClips(Math.round(v.durationS), 1, 8)).map((s) => ({ id: `${v.id}:${s.startS}-${s.endS}`, videoId: `sha-${v.id}`, videoName: v.fileName, startS: s.startS, endS: s.endS, frameCount: Math.round(s.endS - s.startS) })),
  );
}

/** Every pair at cosine 0: the filter never replaces (the real similarity is a tensor op in src/ml). */
const flat = (n: number): SimilaritySource => ({ rows: async (idx) => idx.map(() => new Float32Array(n)) });

describe('probe', () => {
  it('spreads anchor positions from first to last', () => {
    expect(spreadPositions(1, 4)).toEqual([0]);
    expect(spreadPositions(4, 4)).toEqual([0, 1, 2, 3]);
    expect(spreadPositions(16, 4)).toEqual([0, 5, 10, 15]);
    expect(spreadPositions(2, 4)).toEqual([0, 1]);
  });

  it('is balanced over positions, uses only the held-out world, and is deterministic', async () => {
    const world = buildWorld({ seed: 1042 });
    const clips = worldClips(world);
    const settings = { ...PROBE_DEFAULTS, lengths: [1, 4, 16], maxAnchors: 12, questionsPerClip: 2, embedder: 'test' };
    const { items, report } = await buildProbe(clips, flat(clips.length), createOracleGenerator(world), settings);
    expect(report.dropped).toBe(0);
    expect(items.length).toBe(report.questions * (1 + 4 + 4));
    for (const length of [4, 16]) {
      const counts = [0, 1, 2, 3].map((b) => items.filter((i) => i.length === length && i.bucket === b).length);
      expect(new Set(counts).size).toBe(1);
    }
    const ids = new Set(clips.map((c) => c.id));
    for (const it of items) {
      expect(it.clips).toHaveLength(it.length);
      expect(it.clips[it.position]).toBe(it.anchor);
      expect(it.clips.every((c) => ids.has(c))).toBe(true);
      expect(new Set(it.clips).size).toBe(it.length);
      expect(it.candidates.filter((c) => c === it.answer)).toHaveLength(1);
      expect(it.candidates.length).toBeLessThanOrEqual(settings.maxCandidates);
      expect(it.candidates.length).toBeGreaterThanOrEqual(2);
    }
    // A training world's clips never appear: its ids are another seed's.
    const training = new Set(worldClips(buildWorld({ seed: 42 })).map((c) => c.id));
    expect(items.some((it) => it.clips.some((c) => training.has(c)))).toBe(false);
    const again = await buildProbe(clips, flat(clips.length), createOracleGenerator(world), settings);
    expect(JSON.stringify(again.items)).toBe(JSON.stringify(items));
    // eval --hide-anchor: only the anchor's slot changes, at every position.
    const hidden = withAnchorHidden(items, 'HIDDEN');
    hidden.forEach((h, i) => {
      const it = items[i]!;
      expect(h.clips).toHaveLength(it.length);
      h.clips.forEach((c, k) => expect(c).toBe(k === it.position ? 'HIDDEN' : it.clips[k]));
      expect(h.clips.filter((c) => c === it.anchor)).toHaveLength(0);
    });
    expect(new Set(hidden.filter((h) => h.length === 16).map((h) => h.position)).size).toBe(4);
    expect(() => withAnchorHidden([{ ...items[1]!, position: (items[1]!.position + 1) % items[1]!.length }], 'HIDDEN')).toThrow(/not at position/);
  });

  it('asks a question that lists its answers over those answers, so the correct one is not the only candidate it names', async () => {
    const world = buildWorld({ seed: 1042 });
    const clips = worldClips(world);
    const { items } = await buildProbe(clips, flat(clips.length), createOracleGenerator(world), { ...PROBE_DEFAULTS, lengths: [1, 8], maxAnchors: 60, questionsPerClip: 7, embedder: 'test' });
    const presence = items.filter((it) => it.family === 'presence');
    expect(presence.length).toBeGreaterThan(4);
    for (const it of presence) {
      // "Which of these appears in the video: a A, a B or a C?" → the A, the B, the C, none of them.
      const named = /: (.*)\?$/.exec(it.question)![1]!.split(/, | or /).map((o) => `the ${o.replace(/^an? /, '')}`);
      expect(named).toHaveLength(3);
      expect([...named, 'none of them']).toEqual(expect.arrayContaining(it.candidates));
      expect(it.candidates.filter((c) => named.includes(c)).length, it.question).toBeGreaterThanOrEqual(Math.min(3, it.candidates.length - 1));
    }
    // Other families still draw on the family's other answers.
    expect(items.some((it) => it.family === 'colour' && it.candidates.length > 2)).toBe(true);
  });

  it('an oracle scorer scores 100%; always answering the first candidate scores about chance', async () => {
    const world = buildWorld({ seed: 7 });
    const clips = worldClips(world);
    const { items } = await buildProbe(clips, flat(clips.length), createOracleGenerator(world), { ...PROBE_DEFAULTS, lengths: [1, 8], maxAnchors: 40, questionsPerClip: 3, embedder: 'test' });
    const oracle = summarise(items, items.map(() => true), 'sum', 4);
    expect(oracle.byLength['8']?.accuracy).toBe(1);
    // Every item is counted once per length in its family's cell.
    for (const l of ['1', '8']) {
      const cells = Object.values(oracle.byLengthFamily?.[l] ?? {});
      expect(cells.reduce((n, p) => n + p.n, 0)).toBe(oracle.byLength[l]?.n);
      expect(cells.every((p) => p.accuracy === 1)).toBe(true);
    }
    const onlyColour = summarise(items, items.map((it) => it.family === 'colour'), 'sum', 4);
    expect(onlyColour.byLengthFamily?.['8']?.colour?.accuracy).toBe(1);
    expect(onlyColour.byLengthFamily?.['8']?.shape?.accuracy).toBe(0);
    const constant = summarise(items, items.map((it) => it.candidates[0] === it.answer), 'sum', 4);
    for (const l of ['1', '8']) {
      const p = constant.byLength[l]!;
      expect(p.ci95[0]).toBeLessThanOrEqual(constant.chance[l]!);
      expect(p.ci95[1]).toBeGreaterThanOrEqual(constant.chance[l]!);
    }
  });
});

describe('Wilson interval', () => {
  it('matches hand-computed values and stays inside [0, 1]', () => {
    const [lo, hi] = wilson(5, 10);
    expect(lo).toBeCloseTo(0.2366, 4);
    expect(hi).toBeCloseTo(0.7634, 4);
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilson(0, 10)[1]).toBeCloseTo(0.2775, 4);
    expect(proportion(3, 4).accuracy).toBe(0.75);
  });
});
