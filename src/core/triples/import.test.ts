import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../errors';
import { longvpoJsonl, studioJsonl } from './exports';
import { exampleTriple, exampleTriples, REMOVE, withChanges } from './fixtures';
import { parseTriples, tripleImportFailure, type TripleImportResult } from './import';
import type { Triple } from './types';

const NOW = '2026-11-24T15:00:00.000Z';

function imported(text: string): Extract<TripleImportResult, { ok: true }> {
  const r = parseTriples(text, { now: NOW, sourceName: 'release.jsonl' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

function failed(text: string, maxErrors?: number): Extract<TripleImportResult, { ok: false }> {
  const r = parseTriples(text, { now: NOW, maxErrors });
  if (r.ok) throw new Error('expected the import to fail');
  expect(r).not.toHaveProperty('triples');
  return r;
}

const row = (t: unknown) => JSON.stringify(t);
const edited = (base: Triple | undefined, changes: Record<string, unknown>) => row(withChanges(base, changes));

describe('parseTriples: studio format', () => {
  it('round-trips the studio export to equal triples and says which format it detected', () => {
    const triples = [
      exampleTriple(),
      exampleTriple({ stage: 2, ref_chosen_logps: -10.5, ref_rejected_logps: -14 }),
      exampleTriple({
        id: 'with-texts',
        filters: { specificity: { specific: true, answerable_by: [], reason: 'only the anchor shows the ball' } },
        provenance: { ...exampleTriple().provenance, texts: { question: { generator: 'endpoint', model: 'gpt-x', prompt_id: 'q', prompt_version: 2 } } },
      }),
      ...exampleTriples(10),
    ];
    const r = imported(studioJsonl(triples));
    expect(r.format).toBe('studio');
    expect(r.triples).toEqual(triples);
    expect(r.warnings).toEqual([]);
    expect(studioJsonl(r.triples)).toBe(studioJsonl(triples));
  });

  it('strips a BOM, handles CRLF and ignores blank lines', () => {
    const text = '\uFEFF' + studioJsonl(exampleTriples(3)).split('\n').join('\r\n\r\n') + '\r\n   \r\n';
    expect(imported(text).triples.map((t) => t.id)).toEqual(['t-000000', 't-000001', 't-000002']);
  });

  it('reads a JSON array, reporting errors at the line where the element starts', () => {
    const good = exampleTriples(2);
    expect(imported(JSON.stringify(good, null, 2)).triples).toEqual(good);
    const text = JSON.stringify([good[0], { ...good[1], chosen: 7 }], null, 2);
    const elementLine = text.split('\n').findIndex((l, i) => i > 1 && l === '  {') + 1;
    const r = failed(text);
    expect(r.errors).toEqual([{ line: elementLine, message: 'element 1: chosen must be a string, got 7 (the preferred answer text)' }]);
  });

  it('collects every bad line with its number and the exact reason', () => {
    const t = exampleTriples(6);
    const text = [
      row(t[0]),
      '',
      edited(t[1], { 'clips.1.start_s': 'abc' }),
      '{"id": "broken", "stage": 1,',
      edited(t[2], { anchor_index: 7 }),
      row(t[3]),
      edited(t[4], { rejected: t[4]?.chosen, question: REMOVE }),
    ].join('\n');
    const r = failed(text);
    expect(r.format).toBe('studio');
    expect(r.errors).toEqual([
      { line: 3, message: 'clips[1].start_s must be a number, got "abc" (seconds from the start of the source video, e.g. 12.5)' },
      { line: 4, message: expect.stringMatching(/^is not valid JSON: .+ \(each line must be one complete JSON object\)$/) },
      { line: 5, message: "anchor_index must point into clips (0 to 2), got 7 (the anchor's 0-based position in clips)" },
      { line: 7, message: 'question is missing (add it: the question text)' },
      { line: 7, message: 'rejected must differ from chosen (a preference pair needs two different answers)' },
    ]);
    expect(r.moreErrors).toBe(0);
  });

  it('reports a duplicate id with both line numbers', () => {
    const [a, b] = exampleTriples(2);
    const r = failed([row(a), row(b), row(a)].join('\n'));
    expect(r.errors).toEqual([
      { line: 3, message: 'id "t-000000" is also used on line 1 (ids must be unique within a file: give one of them a new id, or remove the repeated record)' },
    ]);
  });

  it('fails a 1,000-line file with one bad line in the middle, returning no triples', () => {
    const lines = exampleTriples(1000).map(row);
    lines[499] = edited(exampleTriple({ id: 'bad' }), { stage: 'two' });
    const r = failed(lines.join('\n'));
    expect(r.errors).toEqual([{ line: 500, message: 'stage must be one of 1, 2, got "two" (1 for an anchored Stage 1 triple, 2 for a Stage 2 triple)' }]);
  });

  it('caps the error list and counts the rest', () => {
    const text = Array.from({ length: 60 }, (_, i) => edited(exampleTriple({ id: `x${i}` }), { chosen: '' })).join('\n');
    const r = failed(text, 50);
    expect(r.errors).toHaveLength(50);
    expect(r.errors[49]).toEqual({ line: 50, message: 'chosen must not be empty (the preferred answer text)' });
    expect(r.moreErrors).toBe(10);
  });

  it('warns once per unknown field, listing its lines, and drops it', () => {
    const text = exampleTriples(7)
      .map((t) => row({ ...t, reviewer: 'ana' }))
      .join('\n');
    const r = imported(text);
    expect(r.warnings).toEqual([{ line: 1, message: 'reviewer is not a known field and was dropped (lines 1, 2, 3, 4, 5 and 2 more; check its spelling against docs/triples.md)' }]);
    expect(r.triples[0]).not.toHaveProperty('reviewer');
  });

  it('refuses a file that mixes the two formats', () => {
    const lv = longvpoJsonl([exampleTriple({ stage: 2 })]).trim();
    const r = failed([row(exampleTriple()), lv].join('\n'));
    expect(r.errors).toEqual([
      { line: 2, message: 'this record looks like LongVPO release rows, but line 1 made this a file of studio triples (JSONL) (a file holds one format: split it in two)' },
    ]);
  });

  it('explains an empty file and a pretty-printed one', () => {
    expect(failed('\n\n').errors).toEqual([{ line: 1, message: 'the file holds no triples (write one JSON object per line; see docs/triples.md)' }]);
    expect(failed('\n' + JSON.stringify(exampleTriple(), null, 2)).errors).toEqual([
      { line: 2, message: 'the file is not JSONL: it looks pretty-printed (put each triple on one line, or wrap the triples in a JSON array [ … ])' },
    ]);
  });
});

describe('parseTriples: LongVPO release rows', () => {
  it('round-trips question, chosen, rejected and video; documents the defaults it applied', () => {
    const triples = [exampleTriple({ stage: 2 }), exampleTriple({ stage: 2, id: 'b', question: 'How many cubes?', task_type: 'counting' })];
    const exported = longvpoJsonl(triples);
    const r = imported(exported);
    expect(r.format).toBe('longvpo');
    expect(r.triples.map(({ question, chosen, rejected }) => ({ question, chosen, rejected }))).toEqual(triples.map(({ question, chosen, rejected }) => ({ question, chosen, rejected })));
    expect(longvpoJsonl(r.triples)).toBe(exported);
    const t = r.triples[0];
    if (!t) throw new Error('no triple');
    expect(t).toMatchObject({ stage: 2, task_type: 'temporal_order', relevant_clips: [0, 1, 2, 3], rejected_strategy: 'partial_evidence', filters: {} });
    expect(t.clips[1]).toEqual({ id: 'world-v010.webm#t=8,16', video: 'world-v010.webm', video_name: 'world-v010.webm', start_s: 8, end_s: 16, frames: 8, role: 'scene' });
    expect(t.prompt).toEqual([{ role: 'user', content: [{ type: 'video' }, { type: 'text', text: t.question }] }]);
    expect(t.provenance).toEqual({ generator: 'imported', model: 'release.jsonl', prompt_id: 'longvpo-release', prompt_version: 1, seed: 0, schema_version: 1, synthesis: 'imported@1', created_at: NOW });
    expect(r.warnings).toEqual([
      { line: 1, message: '2 Stage 2 row(s) had no relevant_clips: every scene was marked relevant (add a "relevant_clips" column to be exact)' },
      { line: 1, message: '2 Stage 2 row(s) had no rejected_strategy: "partial_evidence" was assumed (add a "rejected_strategy" column to be exact)' },
    ]);
  });

  it('keeps the stage structure when exported with the studio columns', () => {
    const triples = [exampleTriple(), exampleTriple({ stage: 2, rejected_strategy: 'irrelevance' })];
    const r = imported(longvpoJsonl(triples, { studioColumns: true }));
    expect(r.format).toBe('longvpo');
    expect(r.warnings).toEqual([]);
    expect(r.triples.map((t) => [t.id, t.stage, t.anchor_index, t.relevant_clips, t.rejected_strategy])).toEqual([
      ['s1-000001', 1, 1, undefined, 'distractor_answer'],
      ['s2-000001', 2, undefined, [0, 2], 'irrelevance'],
    ]);
    expect(r.triples[0]?.clips.map((c) => c.role)).toEqual(['distractor', 'anchor', 'distractor']);
  });

  it('gives rows without an id a stable id, so the same row twice is a duplicate', () => {
    const line = longvpoJsonl([exampleTriple({ stage: 2 })]).trim();
    const a = imported(line).triples[0]?.id;
    expect(a).toMatch(/^lv-[0-9a-f]{14}$/);
    expect(imported(line).triples[0]?.id).toBe(a);
    expect(failed([line, line].join('\n')).errors[0]?.message).toBe(`id "${a}" is also used on line 1 (ids must be unique within a file: give one of them a new id, or remove the repeated record)`);
  });

  it("reads the paper's task type spellings and bare file names", () => {
    const r = imported(row({ video: ['clips/a.mp4', 'clips/b.mp4'], task_type: 'Temporal Order Analysis', question: 'Which comes first?', chosen: 'The dog.', rejected: 'The cat.' }));
    expect(r.triples[0]).toMatchObject({ task_type: 'temporal_order', video: ['clips/a.mp4#t=0,64', 'clips/b.mp4#t=0,64'] });
    expect(r.warnings.map((w) => w.message)).toContain('2 clip reference(s) had no #t=start,end: each was read as a whole file of 64 s (write "file.webm#t=0,8" to be exact)');
  });

  it('reports every problem of a row with its line', () => {
    const ok = { video: ['a.mp4#t=0,8'], task_type: 'anchored_qa', question: 'Q?', chosen: 'Yes.', rejected: 'No.' };
    const text = [
      row(ok),
      row({ ...ok, video: ['a.mp4#t=0,8', 'b.mp4#t=8,16'] }),
      row({ ...ok, video: ['a.mp4#t=9,8'], task_type: 'trivia', chosen: '' }),
      row({ ...ok, video: [], question: undefined }),
      row({ ...ok, video: ['a.mp4#t=0,8', 'b.mp4#t=8,16'], anchor_index: 2 }),
      row({ ...ok, rejected: 'Yes.' }),
    ].join('\n');
    const r = failed(text);
    expect(r.format).toBe('longvpo');
    expect(r.errors).toEqual([
      { line: 2, message: "anchor_index is missing (a Stage 1 row with 2 clips needs the anchor's 0-based position in video: add an \"anchor_index\" column)" },
      { line: 3, message: 'chosen must be a non-empty string, got an empty string (the preferred answer text)' },
      { line: 3, message: 'task_type "trivia" is not a known task type (one of "anchored_qa", "detail", "temporal_order", "cross_scene_association", "visual_semantic", "counting"; see docs/triples.md)' },
      { line: 3, message: 'video[0] has a bad time span, got "a.mp4#t=9,8" (write "<file>#t=<start_s>,<end_s>" in seconds, end after start, or the file name alone)' },
      { line: 4, message: 'question is missing (add it: the question text)' },
      { line: 4, message: 'video must be a non-empty list of clip references, got a list (e.g. ["talk.webm#t=0,8", "talk.webm#t=8,16"])' },
      { line: 5, message: 'clips must include a clip with role "anchor" (a Stage 1 triple has one anchor; mark it and set anchor_index to its position)' },
      { line: 5, message: "anchor_index must point into clips (0 to 1), got 2 (the anchor's 0-based position in clips)" },
      { line: 6, message: 'rejected must differ from chosen (a preference pair needs two different answers)' },
    ]);
  });
});

describe('tripleImportFailure', () => {
  it('is one user-facing error that lists the lines and says nothing was stored', () => {
    const e = tripleImportFailure('triples.jsonl', [{ line: 3, message: 'clips[1].start_s must be a number, got "abc" (seconds)' }], 4);
    expect(e).toBeInstanceOf(UserFacingError);
    expect(e.message).toBe('triples.jsonl was not imported (5 problems; nothing from it was stored): line 3: clips[1].start_s must be a number, got "abc" (seconds); and 4 more.');
    expect(e.hint).toMatch(/docs\/triples\.md/);
  });
});
