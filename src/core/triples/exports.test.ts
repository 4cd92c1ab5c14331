import { describe, expect, it } from 'vitest';
import { canonicalTriple, clipReference, LONGVPO_KEYS, longvpoJsonl, longvpoRow, studioJsonl, studioJsonlChunks, TRL_KEYS, trlJsonl, trlRow } from './exports';
import { exampleTriple, exampleTriples } from './fixtures';
import type { Triple } from './types';

const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('studio JSONL', () => {
  it('writes one triple per line, keys in the order of types.ts, whatever order they came in', () => {
    const t = exampleTriple({ ref_chosen_logps: -12.5, ref_rejected_logps: -20.25 });
    const shuffled = Object.fromEntries(Object.entries(t).reverse()) as unknown as Triple;
    const text = studioJsonl([t, shuffled]);
    const [a, b] = text.split('\n');
    expect(a).toBe(b);
    expect(Object.keys(JSON.parse(a ?? '{}') as object)).toEqual([
      'id', 'stage', 'task_type', 'video', 'clips', 'anchor_index', 'question', 'chosen', 'rejected', 'rejected_strategy', 'prompt', 'filters', 'ref_chosen_logps', 'ref_rejected_logps', 'provenance',
    ]);
    expect(Object.keys((JSON.parse(a ?? '{}') as Triple).clips[0] ?? {})).toEqual(['id', 'video', 'video_name', 'start_s', 'end_s', 'frames', 'role']);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(3);
  });

  it('drops unknown keys and leaves absent optional fields out (no nulls)', () => {
    const t = { ...exampleTriple({ stage: 2 }), review_note: 'x' } as unknown as Triple;
    const row = lines(studioJsonl([t]))[0] ?? {};
    expect(row).not.toHaveProperty('review_note');
    expect(row).not.toHaveProperty('anchor_index');
    expect(row).not.toHaveProperty('ref_chosen_logps');
    expect(row.relevant_clips).toEqual([0, 2]);
    expect(canonicalTriple(exampleTriple())).toEqual(exampleTriple());
  });

  it('streams in chunks that join to the whole export', () => {
    const triples = exampleTriples(25);
    const chunks = [...studioJsonlChunks(triples, 10)];
    expect(chunks).toHaveLength(3);
    expect(chunks.join('')).toBe(studioJsonl(triples));
    expect(chunks[2]?.split('\n').filter(Boolean)).toHaveLength(5);
    expect([...studioJsonlChunks([])]).toEqual([]);
  });
});

describe('TRL conversational JSONL', () => {
  it('has exactly the documented keys, messages in TRL conversational form', () => {
    const t = exampleTriple();
    const row = lines(trlJsonl([t]))[0] ?? {};
    expect(Object.keys(row)).toEqual([...TRL_KEYS]);
    expect(row.prompt).toEqual([{ role: 'user', content: [{ type: 'video' }, { type: 'text', text: t.question }] }]);
    expect(row.chosen).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'The ball is red.' }] }]);
    expect(row.rejected).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'The ball is green.' }] }]);
    expect(row.clips).toEqual([
      { video_name: 'world-v001.webm', start_s: 0, end_s: 8, frames: 8 },
      { video_name: 'world-v002.webm', start_s: 8, end_s: 16, frames: 8 },
      { video_name: 'world-v003.webm', start_s: 16, end_s: 24, frames: 8 },
    ]);
  });

  it('adds the reference log-probs only when the triple has them', () => {
    const row = trlRow(exampleTriple({ ref_chosen_logps: -3.5, ref_rejected_logps: -7 }));
    expect(Object.keys(row)).toEqual([...TRL_KEYS, 'ref_chosen_logps', 'ref_rejected_logps']);
    expect(row).toMatchObject({ ref_chosen_logps: -3.5, ref_rejected_logps: -7 });
    expect(trlRow(exampleTriple({ ref_chosen_logps: -3.5 }))).not.toHaveProperty('ref_rejected_logps');
  });
});

describe('LongVPO release columns', () => {
  it('writes exactly video, task_type, question, chosen, rejected; video as ordered clip references', () => {
    const t = exampleTriple({ stage: 2 });
    const row = lines(longvpoJsonl([t]))[0] ?? {};
    expect(Object.keys(row)).toEqual([...LONGVPO_KEYS]);
    expect(row).toEqual({
      video: ['world-v010.webm#t=0,8', 'world-v010.webm#t=8,16', 'world-v010.webm#t=16,24', 'world-v010.webm#t=24,32'],
      task_type: 'temporal_order',
      question: t.question,
      chosen: t.chosen,
      rejected: t.rejected,
    });
    expect(clipReference({ video_name: 'a b.mp4', start_s: 1.25, end_s: 9.5 })).toBe('a b.mp4#t=1.25,9.5');
  });

  it('adds the stage structure only on request', () => {
    expect(longvpoRow(exampleTriple(), { studioColumns: true })).toMatchObject({ id: 's1-000001', stage: 1, anchor_index: 1, rejected_strategy: 'distractor_answer' });
    expect(longvpoRow(exampleTriple({ stage: 2 }), { studioColumns: true })).toMatchObject({ stage: 2, relevant_clips: [0, 2], rejected_strategy: 'partial_evidence' });
  });
});
