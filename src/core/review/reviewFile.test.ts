import { describe, expect, it } from 'vitest';
import { exampleTriple } from '../triples/fixtures';
import type { Review } from './decisions';
import { parseReviewFile, reviewFileText } from './reviewFile';

const triples = new Map([exampleTriple({ id: 'a' }), exampleTriple({ id: 'b' }), exampleTriple({ id: 'c' })].map((t) => [t.id, t]));
const lookup = (id: string) => triples.get(id);
const reviews: Review[] = [
  { tripleId: 'b', status: 'edited', reviewer: 'ana', at: Date.UTC(2026, 0, 2), edit: { chosen: 'Red.' }, original: { chosen: 'The ball is red.' } },
  { tripleId: 'a', status: 'accepted', reviewer: 'ana', at: Date.UTC(2026, 0, 1) },
  { tripleId: 'c', status: 'flagged', reviewer: 'ana', at: Date.UTC(2026, 0, 3), flag: { reason: 'ambiguous_question', note: '<b>two balls</b>' } },
];
const header = '{"format":"longvpo-reviews","version":1,"reviewer":"ana","exported_at":"2026-01-04T00:00:00.000Z"}';

describe('review files', () => {
  it('round-trips reviews (sorted by triple id, same bytes every time)', () => {
    const text = reviewFileText('ana', reviews, '2026-01-04T00:00:00.000Z');
    expect(text.split('\n')[0]).toBe(header);
    expect(reviewFileText('ana', [...reviews].reverse(), '2026-01-04T00:00:00.000Z')).toBe(text);
    const parsed = parseReviewFile(text, lookup);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.reviewer).toBe('ana');
      expect(parsed.reviews).toEqual([...reviews].sort((x, y) => (x.tripleId < y.tripleId ? -1 : 1)));
    }
  });

  it('refuses the whole file with line numbers: unknown triple, bad line, duplicates, bad fields', () => {
    const text = [
      header,
      '{"triple_id":"a","status":"accepted","reviewer":"ana","at":"2026-01-01T00:00:00Z"}',
      '{"triple_id":"zzz","status":"accepted","reviewer":"ana","at":"2026-01-01T00:00:00Z"}',
      '{"triple_id":"b", oops',
      '{"triple_id":"a","status":"rejected","reviewer":"ana","at":"2026-01-01T00:00:00Z"}',
      '{"triple_id":"c","status":"maybe","reviewer":"ana","at":"2026-01-01T00:00:00Z"}',
      '{"triple_id":"c","status":"edited","reviewer":"ana","at":"2026-01-01T00:00:00Z","edit":{"chosen":"The ball is green."}}',
    ].join('\n');
    const parsed = parseReviewFile(text, lookup);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(parsed.errors[0]?.message).toContain('"zzz" is not a stored triple');
    expect(parsed.errors[1]?.message).toContain('is not valid JSON');
    expect(parsed.errors[2]?.message).toContain('reviewed twice (also on line 2)');
    expect(parsed.errors[3]?.message).toContain('status must be one of');
    expect(parsed.errors[4]?.message).toContain('reviewed twice (also on line 6)');
    const edit = parseReviewFile([header, '{"triple_id":"c","status":"edited","reviewer":"ana","at":"2026-01-01T00:00:00Z","edit":{"chosen":"The ball is green."}}'].join('\n'), lookup);
    expect(edit.ok ? [] : edit.errors[0]?.message).toContain('Chosen and rejected must differ');
  });

  it('refuses another format or version, and an empty file', () => {
    const v2 = parseReviewFile('{"format":"longvpo-reviews","version":2,"reviewer":"ana"}\n', lookup);
    expect(v2.ok ? '' : v2.errors[0]?.message).toMatch(/version 2 is not supported/);
    const triplesFile = parseReviewFile('{"id":"a","stage":1}\n', lookup);
    expect(triplesFile.ok ? '' : triplesFile.errors[0]?.message).toMatch(/not a review file header/);
    expect(parseReviewFile('\n\n', lookup).ok).toBe(false);
  });

  it('takes the original from the stored triple, not from the file', () => {
    const text = [header, '{"triple_id":"a","status":"edited","reviewer":"ana","at":"2026-01-01T00:00:00Z","edit":{"chosen":"Red."},"original":{"chosen":"forged"}}'].join('\n');
    const parsed = parseReviewFile(text, lookup);
    expect(parsed.ok && parsed.reviews[0]?.original).toEqual({ chosen: 'The ball is red.' });
  });
});
