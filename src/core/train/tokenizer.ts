// Word-level tokenizer built from a dataset's texts (issue #12, DESIGN.md §7). Saved with every
// run and checkpoint, so a model is always read with the vocabulary it was trained with.
//
// Must: ids 0–4 are the special tokens below, in this order, in every vocabulary. Must: the same
// texts give the same vocabulary (sorted by count, then alphabetically), whatever their order.

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

  /** Every word of `texts` seen at least `minCount` times, most frequent first; capped at `maxSize`. */
  static build(texts: Iterable<string>, options: { minCount?: number; maxSize?: number } = {}): WordTokenizer {
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of words(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const minCount = options.minCount ?? 1;
    const kept = [...counts].filter(([w, n]) => n >= minCount && !(SPECIAL_TOKENS as readonly string[]).includes(w));
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const cap = Math.max(0, (options.maxSize ?? Infinity) - SPECIAL_TOKENS.length);
    return new WordTokenizer([...SPECIAL_TOKENS, ...kept.slice(0, cap).map(([w]) => w)]);
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
