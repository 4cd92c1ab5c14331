import { describe, expect, it } from 'vitest';
import { embedderMismatch, mergeJsonl } from './dataMerge';

const line = (id: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ id, ...extra });

describe('mergeJsonl', () => {
  it('concatenates in source order, drops blank lines, ends every line in a newline and counts per source', () => {
    const r = mergeJsonl(
      [
        { source: 'a', text: `${line('a1')}\n\n${line('a2')}` },
        { source: 'b', text: '' },
        { source: 'c', text: `${line('c1', { x: 1 })}\n` },
      ],
      'clips.jsonl',
    );
    expect(r).toEqual({ ok: true, text: `${line('a1')}\n${line('a2')}\n${line('c1', { x: 1 })}\n`, lines: 3, bySource: [2, 0, 1] });
  });

  it('refuses an id two sources share, naming both, instead of keeping one of them', () => {
    const r = mergeJsonl([{ source: 'w43', text: line('x') }, { source: 'w44', text: `${line('y')}\n${line('x')}` }], 'sft.jsonl');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toBe('sft.jsonl: the id "x" is in both w43 and w44.');
  });

  it('names an id repeated inside one source, and a folder named twice, apart', () => {
    const twice = mergeJsonl([{ source: 'a', text: `${line('x')}\n${line('x')}` }], 'triples.jsonl');
    expect(twice.ok || twice.problem).toBe('a/triples.jsonl has the id "x" twice (the second at line 2).');
    const same = mergeJsonl([{ source: 'a', text: line('x') }, { source: 'a', text: line('x') }], 'clips.jsonl');
    expect(same.ok || same.problem).toBe('a is named twice.');
  });

  it('names a line that is not JSON or has no string id, with its line number', () => {
    const bad = mergeJsonl([{ source: 'a', text: `${line('x')}\n{oops` }], 'clips.jsonl');
    expect(bad.ok || bad.problem).toBe('a/clips.jsonl line 2 is not valid JSON.');
    const noId = mergeJsonl([{ source: 'a', text: JSON.stringify({ id: 3 }) }], 'clips.jsonl');
    expect(noId.ok || noId.problem).toBe('a/clips.jsonl line 1 has no string "id".');
  });
});

describe('embedderMismatch', () => {
  it('accepts sources of one embedder (an unnamed one matches by shape)', () => {
    expect(embedderMismatch([{ source: 'a', id: 'm', dim: 8, tokens: 1 }, { source: 'b', dim: 8, tokens: 1 }, { source: 'c', id: 'm', dim: 8, tokens: 1 }])).toBeNull();
    expect(embedderMismatch([])).toBeNull();
  });

  it('names the first source that differs in id, dimension or tokens', () => {
    expect(embedderMismatch([{ source: 'a', id: 'm', dim: 8, tokens: 1 }, { source: 'b', id: 'n', dim: 8, tokens: 1 }])?.problem).toBe('b is embedded with n (8-d, 1 token per clip), but a with m (8-d, 1 token per clip).');
    expect(embedderMismatch([{ source: 'a', dim: 8, tokens: 1 }, { source: 'b', dim: 8, tokens: 2 }])?.problem).toMatch(/^b is embedded with an unnamed embedder \(8-d, 2 tokens per clip\)/);
    expect(embedderMismatch([{ source: 'a', dim: 8, tokens: 1 }, { source: 'b', dim: 4, tokens: 1 }])).not.toBeNull();
  });
});
