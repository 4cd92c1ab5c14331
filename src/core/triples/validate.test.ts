import { describe, expect, it } from 'vitest';
import { exampleTriple, exampleTriples, REMOVE, withChanges } from './fixtures';
import type { Triple } from './types';
import { fieldPath, isValidTriple, tripleIssues } from './validate';

/** The example triple of `stage` with `changes` written into a JSON copy. */
function broken(changes: Record<string, unknown>, stage: 1 | 2 = 1): unknown {
  return withChanges(exampleTriple({ stage }), changes);
}

describe('validateTriple: the fixtures', () => {
  it('accepts both stages and many generated triples', () => {
    expect(tripleIssues(exampleTriple())).toEqual([]);
    expect(tripleIssues(exampleTriple({ stage: 2 }))).toEqual([]);
    expect(exampleTriples(20).every(isValidTriple)).toBe(true);
  });

  it('names paths the way users read them', () => {
    expect(fieldPath('/clips/1/start_s')).toBe('clips[1].start_s');
    expect(fieldPath('/prompt/0/content/1', 'text')).toBe('prompt[0].content[1].text');
    expect(fieldPath('', 'id')).toBe('id');
  });
});

describe('validateTriple: schema rules', () => {
  const cases: [string, unknown, string[]][] = [
    ['a wrong type', broken({ 'clips.1.start_s': 'abc' }), ['clips[1].start_s must be a number, got "abc" (seconds from the start of the source video, e.g. 12.5)']],
    ['a missing field', broken({ question: REMOVE }), ['question is missing (add it: the question text)']],
    ['a missing nested field', broken({ 'provenance.created_at': REMOVE }), ['provenance.created_at is missing (add it: an ISO 8601 time, e.g. "2026-11-24T14:20:00Z")']],
    ['an unknown stage', broken({ stage: 3 }), ['stage must be one of 1, 2, got 3 (1 for an anchored Stage 1 triple, 2 for a Stage 2 triple)']],
    [
      'a task type of the other stage',
      broken({ task_type: 'temporal_order' }),
      ['task_type must be one of "anchored_qa", "detail", got "temporal_order" (see the task types in docs/triples.md)'],
    ],
    ['Stage 1 without anchor_index', broken({ anchor_index: REMOVE }), ['anchor_index is missing (add it: the anchor\'s 0-based position in clips)']],
    [
      'Stage 1 without an anchor clip',
      broken({ 'clips.1.role': 'distractor' }),
      ['clips must include a clip with role "anchor" (a Stage 1 triple has one anchor; mark it and set anchor_index to its position)'],
    ],
    [
      'Stage 1 with a Stage 2 rejected strategy',
      broken({ rejected_strategy: 'irrelevance' }),
      ['rejected_strategy must be "distractor_answer", got "irrelevance" (Stage 1: "distractor_answer"; Stage 2: "partial_evidence" or "irrelevance")'],
    ],
    ['Stage 2 without relevant_clips', broken({ relevant_clips: REMOVE }, 2), ['relevant_clips is missing (add it: 0-based positions in clips of the scenes the reasoning cites)']],
    [
      'repeated relevant_clips',
      broken({ relevant_clips: [0, 2, 0] }, 2),
      ['relevant_clips must not repeat an entry: [0] and [2] are both 0 (0-based positions in clips of the scenes the reasoning cites)'],
    ],
    ['a fractional frame count', broken({ 'clips.0.frames': 2.5 }), ["clips[0].frames must be a whole number, got 2.5 (the clip's frame count in the composite, a whole number ≥ 1)"]],
    ['a negative start', broken({ 'clips.0.start_s': -1 }), ['clips[0].start_s must be >= 0, got -1 (seconds from the start of the source video, e.g. 12.5)']],
    ['an empty chosen', broken({ chosen: '' }), ['chosen must not be empty (the preferred answer text)']],
    ['an empty clip list', broken({ clips: [], video: [] }), expect.arrayContaining(['clips must have at least 1 entry (one object per clip of the long input, in playback order)'])],
    ['a positive log-prob', broken({ ref_chosen_logps: 0.5 }), ['ref_chosen_logps must be <= 0, got 0.5 (a summed log-probability, ≤ 0; leave it out when not computed)']],
    ['a text part without text', broken({ 'prompt.0.content.1.text': REMOVE }), ['prompt[0].content[1].text is missing (add it: the text of a {"type": "text"} part)']],
    ['a bad time stamp', broken({ 'provenance.created_at': 'yesterday' }), ['provenance.created_at is not in the expected form, got "yesterday" (an ISO 8601 time, e.g. "2026-11-24T14:20:00Z")']],
    ['not an object', 'hello', ['(the record) must be an object, got "hello" (see docs/triples.md)']],
  ];
  it.each(cases)('reports %s', (_name, value, expected) => {
    expect(tripleIssues(value)).toEqual(expected);
  });

  it('collects every problem of a triple, not just the first', () => {
    const issues = tripleIssues(
      broken({ 'clips.0.start_s': 'x', 'clips.2.role': 'hero', chosen: REMOVE }),
    );
    expect(issues).toEqual([
      'chosen is missing (add it: the preferred answer text)',
      'clips[0].start_s must be a number, got "x" (seconds from the start of the source video, e.g. 12.5)',
      'clips[2].role must be one of "anchor", "distractor", "scene", got "hero" ("anchor", "distractor" or "scene")',
    ]);
  });

  it('keeps unknown fields legal (forward compatible); the importer warns about them', () => {
    expect(tripleIssues({ ...exampleTriple(), review_note: 'looks fine' })).toEqual([]);
  });
});

describe('validateTriple: semantic rules', () => {
  const cases: [string, unknown, string[]][] = [
    ['anchor_index out of range', broken({ anchor_index: 3 }), ["anchor_index must point into clips (0 to 2), got 3 (the anchor's 0-based position in clips)"]],
    [
      'anchor_index at a distractor',
      broken({ anchor_index: 0 }),
      [
        'clips[0].role must be "anchor" because anchor_index is 0, got "distractor" (set anchor_index to the anchor\'s position, or fix the roles)',
        'clips[1].role is "anchor" but anchor_index is 0 (a Stage 1 triple has one anchor; make the others "distractor")',
      ],
    ],
    ['two anchors', broken({ 'clips.2.role': 'anchor' }), ['clips[2].role is "anchor" but anchor_index is 1 (a Stage 1 triple has one anchor; make the others "distractor")']],
    [
      'relevant_clips out of range',
      broken({ relevant_clips: [1, 4] }, 2),
      ['relevant_clips[1] must point into clips (0 to 3), got 4 (0-based positions in clips of the scenes the reasoning cites)'],
    ],
    ['video not the clip ids', broken({ 'video.2': 'other' }), ['video[2] must equal clips[2].id "world-v003:16-24", got "other" (video lists the clip ids of clips in order)']],
    ['video of another length', broken({ video: exampleTriple().video.slice(0, 2) }), ["video must list the 3 clip ids of clips in order, got 2 entries (set video to the clips' ids)"]],
    ['chosen equal to rejected', broken({ rejected: ' The ball is red. ' }), ['rejected must differ from chosen (a preference pair needs two different answers)']],
    ['end before start', broken({ 'clips.2.end_s': 16 }), ['clips[2].end_s must be greater than start_s (16), got 16 (seconds from the start of the source video, after start_s)']],
    ['a newer schema version', broken({ 'provenance.schema_version': 2 }), ['provenance.schema_version 2 is not supported (this studio reads version 1; update the studio)']],
  ];
  it.each(cases)('reports %s', (_name, value, expected) => {
    expect(tripleIssues(value)).toEqual(expected);
  });

  it('does not repeat a type error as a semantic one', () => {
    const issues = tripleIssues(broken({ anchor_index: 'one' }));
    expect(issues).toEqual(["anchor_index must be a whole number, got \"one\" (the anchor's 0-based position in clips)"]);
  });

  it('types the checked value as a Triple', () => {
    const v: unknown = exampleTriple();
    if (isValidTriple(v)) expect((v satisfies Triple).clips).toHaveLength(3);
    else expect.unreachable();
  });
});
