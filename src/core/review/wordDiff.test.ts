import { describe, expect, it } from 'vitest';
import { MAX_WORDS, wordDiff } from './wordDiff';

describe('wordDiff', () => {
  it('marks the words only one side has', () => {
    const d = wordDiff('The ball is red.', 'The ball is green.');
    expect(d.a).toEqual([
      { text: 'The ball is', kind: 'same' },
      { text: 'red.', kind: 'only' },
    ]);
    expect(d.b[1]).toEqual({ text: 'green.', kind: 'only' });
  });

  it('handles insertions, empty text and very long answers', () => {
    const d = wordDiff('a red cube', 'a big red shiny cube');
    expect(d.a.every((p) => p.kind === 'same')).toBe(true);
    expect(d.b.filter((p) => p.kind === 'only').map((p) => p.text)).toEqual(['big', 'shiny']);
    expect(wordDiff('', 'x').b).toEqual([{ text: 'x', kind: 'only' }]);
    const long = Array.from({ length: MAX_WORDS + 1 }, (_, i) => `w${i}`).join(' ');
    expect(wordDiff(long, 'w0').a).toEqual([{ text: long, kind: 'only' }]);
  });
});
