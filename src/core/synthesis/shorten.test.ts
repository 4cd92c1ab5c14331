// Shorter Stage 1 composites (`longvpo shorten`): the anchor and its texts stay, K − 1 of the
// distractors stay in order, the anchor lands in every slot over many triples, and what cannot or
// need not be cut is returned as it was.
import { describe, expect, it } from 'vitest';
import { exampleTriple } from '../triples/fixtures';
import { tripleIssues } from '../triples/validate';
import { mulberry32 } from '../world/random';
import { shortenComposite, shortenTriples } from './shorten';

const wide = (() => {
  const t = exampleTriple();
  const clips = Array.from({ length: 8 }, (_, i) => ({ ...(t.clips[0] as (typeof t.clips)[number]), id: `c${i}`, role: i === 5 ? ('anchor' as const) : ('distractor' as const) }));
  return { ...t, clips, video: clips.map((c) => c.id), anchor_index: 5, ref_chosen_logps: -1, ref_rejected_logps: -2 };
})();

describe('shortenComposite', () => {
  it('keeps the anchor, its texts and K − 1 distractors in their order, and names the anchor slot', () => {
    const rng = mulberry32(3);
    const slots = new Set<number>();
    for (let n = 0; n < 200; n++) {
      const s = shortenComposite(wide, 3, rng);
      expect(s.clips).toHaveLength(3);
      expect(s.video).toEqual(s.clips.map((c) => c.id));
      expect(s.clips[s.anchor_index as number]?.id).toBe('c5');
      const others = s.clips.filter((c) => c.id !== 'c5').map((c) => Number(c.id.slice(1)));
      expect(others).toEqual([...others].sort((a, b) => a - b));
      expect([s.question, s.chosen, s.rejected, s.id]).toEqual([wide.question, wide.chosen, wide.rejected, wide.id]);
      expect(s.ref_chosen_logps).toBeUndefined();
      expect(tripleIssues(s)).toEqual([]);
      slots.add(s.anchor_index as number);
    }
    expect([...slots].sort()).toEqual([0, 1, 2]);
  });

  it('is deterministic for a seed', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    for (let n = 0; n < 20; n++) expect(shortenComposite(wide, 2, a)).toEqual(shortenComposite(wide, 2, b));
  });

  it('keepSlots: every slot stays, filled with the K − 1 kept distractors in turn, and the anchor lands in every slot', () => {
    const rng = mulberry32(4);
    const slots = new Set<number>();
    for (let n = 0; n < 400; n++) {
      const s = shortenComposite(wide, 3, rng, true);
      expect(s.clips).toHaveLength(8);
      expect(s.video).toEqual(s.clips.map((c) => c.id));
      expect(s.clips[s.anchor_index as number]?.id).toBe('c5');
      // The other seven slots: two distractors of the original, in their order, repeated in turn.
      const others = s.clips.filter((_, i) => i !== s.anchor_index).map((c) => c.id);
      const distinct = [...new Set(others)];
      expect(distinct).toHaveLength(2);
      expect(distinct).not.toContain('c5');
      expect(distinct.map((id) => Number(id.slice(1)))).toEqual(distinct.map((id) => Number(id.slice(1))).sort((a, b) => a - b));
      expect(others).toEqual(Array.from({ length: 7 }, (_, i) => distinct[i % 2]));
      expect([s.question, s.chosen, s.rejected, s.id]).toEqual([wide.question, wide.chosen, wide.rejected, wide.id]);
      expect(s.ref_chosen_logps).toBeUndefined();
      slots.add(s.anchor_index as number);
    }
    expect([...slots].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // K = 2: one distractor over the seven other slots.
    const two = shortenComposite(wide, 2, mulberry32(8), true);
    expect(new Set(two.clips.filter((c) => c.id !== 'c5').map((c) => c.id)).size).toBe(1);
    expect(two.clips).toHaveLength(8);
  });

  it('keepSlots draws the same distractors as the cut for a seed (only where they go differs)', () => {
    const a = mulberry32(12);
    const b = mulberry32(12);
    for (let n = 0; n < 20; n++) {
      const cut = shortenComposite(wide, 3, a);
      const kept = shortenComposite(wide, 3, b, true);
      expect(new Set(kept.clips.map((c) => c.id))).toEqual(new Set(cut.clips.map((c) => c.id)));
    }
  });

  it('returns Stage 2 triples and composites already short enough unchanged', () => {
    const rng = mulberry32(1);
    const s2 = exampleTriple({ stage: 2 });
    expect(shortenComposite(s2, 2, rng)).toBe(s2);
    expect(shortenComposite(wide, 8, rng)).toBe(wide);
    expect(shortenComposite(wide, 1, rng).clips.map((c) => c.id)).toEqual(['c5']);
  });
});

describe('shortenTriples (train --composite-clips, the worker\'s Stage 1 data)', () => {
  const stage2 = { ...exampleTriple(), id: 's2', stage: 2 as const };
  const triples = [wide, { ...wide, id: 'w2' }, stage2, { ...wide, id: 'w3' }];

  it('cuts the Stage 1 triples in order by one draw of the seed, as `shorten --seed` does, and leaves Stage 2 as it is', () => {
    const rng = mulberry32(5);
    const expected = triples.map((t) => (t.stage === 1 ? shortenComposite(t, 2, rng) : t));
    const cut = shortenTriples(triples, 2, 5);
    expect(cut).toEqual(expected);
    expect(cut.filter((t) => t.stage === 1).every((t) => t.clips.length === 2)).toBe(true);
    expect(cut[2]).toBe(stage2);
    expect(shortenTriples(triples, 2, 6)).not.toEqual(cut);
  });

  it('0 keeps every triple as it is', () => {
    expect(shortenTriples(triples, 0, 5)).toEqual(triples);
    expect(shortenTriples(triples, 0, 5, true)).toEqual(triples);
  });

  it('keepSlots: the Stage 1 triples keep their slots, by the same one draw', () => {
    const rng = mulberry32(5);
    const expected = triples.map((t) => (t.stage === 1 ? shortenComposite(t, 2, rng, true) : t));
    const spread = shortenTriples(triples, 2, 5, true);
    expect(spread).toEqual(expected);
    expect(spread.filter((t) => t.stage === 1).every((t) => t.clips.length === 8 && new Set(t.clips.map((c) => c.id)).size === 2)).toBe(true);
  });
});
