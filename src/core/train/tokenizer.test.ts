import { describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS, UNK, WordTokenizer, words } from './tokenizer';

describe('WordTokenizer', () => {
  it('splits words, numbers and punctuation, lower-cased', () => {
    expect(words('Scene #3, the Red cube’s edge.')).toEqual(['scene', '#', '3', ',', 'the', 'red', 'cube’s', 'edge', '.']);
  });

  it('starts with the special tokens, then words by count, then alphabetically, whatever the texts’ order', () => {
    const texts = ['the red cube', 'the blue cube', 'the ball'];
    const t = WordTokenizer.build(texts);
    expect(t.vocab).toEqual([...SPECIAL_TOKENS, 'the', 'cube', 'ball', 'blue', 'red']);
    expect(WordTokenizer.build([...texts].reverse()).vocab).toEqual(t.vocab);
    expect(t.encode('The green cube')).toEqual([5, UNK, 6]);
    expect(WordTokenizer.fromJson(t.toJson()).vocab).toEqual(t.vocab);
  });

  it('puts the words only `then` has after every main word, so new pair texts do not move the main words’ ids', () => {
    const sft = ['what colour is the cube ?', 'red', 'the cube is red'];
    const a = WordTokenizer.build(sft, { then: ['which scene shows the cube first ?', 'scene # 2'] });
    // "scene" is the most frequent word of `then`, yet comes after every SFT word.
    const main = WordTokenizer.build(sft).vocab;
    expect(a.vocab.slice(0, main.length)).toEqual(main);
    expect(a.vocab.slice(main.length)).toEqual(['scene', '#', '2', 'first', 'shows', 'which']);
    // Pair texts that count the shared words differently leave the vocabulary as it was.
    const b = WordTokenizer.build(sft, { then: ['the the the cube cube ?', 'scene # 2', 'which scene shows the cube first ?'] });
    expect(b.vocab).toEqual(a.vocab);
    expect(WordTokenizer.build(sft, { then: ['x'], maxSize: main.length }).vocab).toEqual(main);
  });
});
