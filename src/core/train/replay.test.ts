import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../errors';
import { dpoPairs, isCitedOnlyPair, isSingleClipPair, replayCount, withCitedScenesOnly, withReplay, withSingleClips } from './replay';
import type { PreferenceSample } from './samples';

const pair = (stage: 1 | 2, i: number): PreferenceSample => ({ id: `s${stage}-${i}`, stage, task: 'detail', clips: [`c${i}`], anchorClips: [`c${i}`], question: 'q', chosen: 'a', rejected: 'b' });
const stage2 = Array.from({ length: 10 }, (_, i) => pair(2, i));
const stage1 = Array.from({ length: 40 }, (_, i) => pair(1, i));

describe('Stage 1 replay in Stage 2', () => {
  it('keeps every Stage 2 pair and adds round(share × |Stage 2|) distinct Stage 1 pairs, in their order', () => {
    for (const [share, want] of [[1, 10], [0.5, 5], [2.5, 25], [0.04, 0]] as const) {
      const mixed = withReplay(stage2, stage1, share, 3);
      expect(mixed.slice(0, 10)).toEqual(stage2);
      const replayed = mixed.slice(10);
      expect(replayed).toHaveLength(want);
      expect(replayed.every((p) => p.stage === 1)).toBe(true);
      expect(new Set(replayed.map((p) => p.id)).size).toBe(want);
      const indices = replayed.map((p) => stage1.indexOf(p));
      expect(indices).toEqual([...indices].sort((a, b) => a - b));
    }
  });

  it('is deterministic for a seed, and another seed draws other pairs', () => {
    const ids = (seed: number) => withReplay(stage2, stage1, 1, seed).slice(10).map((p) => p.id);
    expect(ids(5)).toEqual(ids(5));
    expect(ids(6)).not.toEqual(ids(5));
  });

  it('takes at most every Stage 1 pair', () => {
    expect(replayCount(10, 40, 100)).toBe(40);
    expect(withReplay(stage2, stage1, 100, 1)).toHaveLength(50);
  });

  it('share 0 is Stage 2 alone (the paper); a share with no Stage 1 pairs is refused with the fix', () => {
    expect(withReplay(stage2, stage1, 0, 1)).toEqual(stage2);
    expect(withReplay(stage2, [], 0, 1)).toEqual(stage2);
    expect(() => withReplay(stage2, [], 1, 1)).toThrow(UserFacingError);
    expect(() => withReplay(stage2, [], 1, 1)).toThrow(/Stage 1 replay needs Stage 1 triples/);
  });
});

describe('single-clip pairs in Stage 1', () => {
  const composite = (i: number): PreferenceSample => ({ id: `p${i}`, stage: 1, task: 'detail', clips: [`d${i}`, `a${i}`, `e${i}`], anchorClips: [`a${i}`], question: `q${i}`, chosen: 'x', rejected: 'y' });
  const pairs = Array.from({ length: 20 }, (_, i) => composite(i));

  it('keeps every pair and adds round(share × n) of them again with the anchor alone, in their order', () => {
    for (const [share, want] of [[1, 20], [0.5, 10], [0.26, 5], [0.02, 0]] as const) {
      const mixed = withSingleClips(pairs, share, 4);
      expect(mixed.slice(0, 20)).toEqual(pairs);
      const single = mixed.slice(20);
      expect(single).toHaveLength(want);
      for (const s of single) {
        const from = pairs.find((p) => `${p.id}#anchor` === s.id)!;
        expect(s).toEqual({ ...from, id: `${from.id}#anchor`, clips: from.anchorClips });
      }
      const indices = single.map((s) => Number(s.id.slice(1, -'#anchor'.length)));
      expect(indices).toEqual([...indices].sort((a, b) => a - b));
      expect(new Set(mixed.map((p) => p.id)).size).toBe(mixed.length);
      expect(mixed.filter(isSingleClipPair)).toEqual(single);
    }
  });

  it('is deterministic for a seed, another seed draws other pairs, and 0 is off', () => {
    const ids = (seed: number) => withSingleClips(pairs, 0.5, seed).slice(20).map((p) => p.id);
    expect(ids(5)).toEqual(ids(5));
    expect(ids(6)).not.toEqual(ids(5));
    expect(withSingleClips(pairs, 0, 5)).toEqual(pairs);
  });
});

describe('Stage 2 with only the cited scenes', () => {
  // A video of five scenes whose query cites the second and the fourth.
  const query = (i: number): PreferenceSample => ({ id: `q${i}`, stage: 2, task: 'temporal_order', clips: [0, 1, 2, 3, 4].map((k) => `v${i}-s${k}`), anchorClips: [`v${i}-s1`, `v${i}-s3`], question: `which first ${i}`, chosen: 'x', rejected: 'y', refChosenLogps: -1, refRejectedLogps: -2 });
  const pairs = [query(0), ...withReplay([query(1)], stage1.slice(0, 3), 2, 1)];

  it('cuts every Stage 2 pair to its cited scenes in order, under another id without carried reference log-probs, and keeps Stage 1 replay as it is', () => {
    const cut = withCitedScenesOnly(pairs);
    expect(cut).toHaveLength(pairs.length);
    expect(cut[0]).toMatchObject({ id: 'q0#cited', clips: ['v0-s1', 'v0-s3'], anchorClips: ['v0-s1', 'v0-s3'], question: 'which first 0', chosen: 'x', rejected: 'y' });
    expect(cut[1]).toMatchObject({ id: 'q1#cited', clips: ['v1-s1', 'v1-s3'] });
    // Reference log-probs the triple carried are for another context: the run scores its own.
    expect(cut[0]).not.toHaveProperty('refChosenLogps');
    expect(cut[0]).not.toHaveProperty('refRejectedLogps');
    expect(cut.slice(2)).toEqual(pairs.slice(2));
    expect(cut.filter(isCitedOnlyPair).map((p) => p.id)).toEqual(['q0#cited', 'q1#cited']);
    // The input is not changed: a cut pair's context is a copy.
    expect(pairs[0]?.clips).toHaveLength(5);
    cut[0]?.clips.push('extra');
    expect(pairs[0]?.anchorClips).toEqual(['v0-s1', 'v0-s3']);
  });
});

describe('a DPO stage\'s pairs, as the CLI and the browser build them', () => {
  const query = (i: number): PreferenceSample => ({ id: `q${i}`, stage: 2, task: 'detail', clips: [`v${i}-s0`, `v${i}-s1`, `v${i}-s2`], anchorClips: [`v${i}-s2`], question: 'q', chosen: 'a', rejected: 'b' });
  const queries = Array.from({ length: 6 }, (_, i) => query(i));

  it('Stage 1: its single-clip copies; Stage 2: cut to the cited scenes, then replay; the pool is read only for replay', () => {
    expect(dpoPairs(stage1, () => [], { stage: 'stage1', seed: 3, singleClip: 0.5 })).toEqual(withSingleClips(stage1, 0.5, 3));
    const cited = dpoPairs(queries, () => stage1, { stage: 'stage2', seed: 3, citedOnly: true, replay: 1 });
    expect(cited).toEqual(withReplay(withCitedScenesOnly(queries), stage1, 1, 3));
    expect(cited.filter(isCitedOnlyPair)).toHaveLength(6);
    const unread = (): PreferenceSample[] => {
      throw new Error('the pool is read without replay');
    };
    expect(dpoPairs(queries, unread, { stage: 'stage2', seed: 3 })).toEqual(queries);
    expect(dpoPairs(queries, unread, { stage: 'stage2', seed: 3, citedOnly: true })).toEqual(withCitedScenesOnly(queries));
  });
});
