// Word-level tokenizer built from a dataset's texts (issue #12, DESIGN.md §7). Saved with every
// run and checkpoint, so a model is always read with the vocabulary it was trained with.
//
// Must: ids 0–4 are the special tokens below, in this order, in every vocabulary. Must: the same
// texts give the same vocabulary (sorted by count, then alphabetically), whatever their order.
// Must: words of `then` come after every word of the main texts (SFT's own words first).

export const SPECIAL_TOKENS = ['<pad>', '<unk>', '<bos>', '<ans>', '<eos>'] as const;
export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const ANS = 3;
export const EOS = 4;

/** Lower-cased words, numbers and single punctuation marks ("Scene #3," → scene # 3 ,). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[^\s\p{L}\p{N}]/gu) ?? [];
}

export interface TokenizerJson {
  kind: 'word';
  version: 1;
  vocab: string[];
}

export class WordTokenizer {
  private readonly index: Map<string, number>;

  constructor(readonly vocab: readonly string[]) {
    SPECIAL_TOKENS.forEach((t, i) => {
      if (vocab[i] !== t) throw new Error(`a vocabulary must start with ${SPECIAL_TOKENS.join(' ')}; token ${i} is ${String(vocab[i])}`);
    });
    this.index = new Map(vocab.map((w, i) => [w, i]));
  }

  /**
   * Every word of `texts` seen at least `minCount` times, most frequent first; then the words
   * only `then` has, most frequent (in `then`) first; capped at `maxSize`. SFT puts its own
   * texts first and the preference pairs' after, so the ids of the words SFT trains on do not
   * move when the Stage 1 or Stage 2 data change.
   */
  static build(texts: Iterable<string>, options: { minCount?: number; maxSize?: number; then?: Iterable<string> } = {}): WordTokenizer {
    const minCount = options.minCount ?? 1;
    const ranked = (source: Iterable<string>, skip: ReadonlySet<string>): string[] => {
      const counts = new Map<string, number>();
      for (const t of source) for (const w of words(t)) if (!skip.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
      const kept = [...counts].filter(([, n]) => n >= minCount);
      kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return kept.map(([w]) => w);
    };
    const first = ranked(texts, new Set(SPECIAL_TOKENS));
    const rest = options.then ? ranked(options.then, new Set([...SPECIAL_TOKENS, ...first])) : [];
    const cap = Math.max(0, (options.maxSize ?? Infinity) - SPECIAL_TOKENS.length);
    return new WordTokenizer([...SPECIAL_TOKENS, ...[...first, ...rest].slice(0, cap)]);
  }

  static fromJson(json: TokenizerJson): WordTokenizer {
    if (json.kind !== 'word' || json.version !== 1 || !Array.isArray(json.vocab)) throw new Error('not a word tokenizer (version 1)');
    return new WordTokenizer(json.vocab);
  }

  toJson(): TokenizerJson {
    return { kind: 'word', version: 1, vocab: [...this.vocab] };
  }

  get size(): number {
    return this.vocab.length;
  }

  /** Token ids of `text`; unknown words are `<unk>`. */
  encode(text: string): number[] {
    return words(text).map((w) => this.index.get(w) ?? UNK);
  }

  decode(ids: readonly number[]): string {
    return ids.map((i) => this.vocab[i] ?? '<unk>').join(' ');
  }
}
