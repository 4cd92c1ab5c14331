// Sequence layout of the policy (issue #12, DESIGN.md §7): one sequence per (context, answer) pair,
//   clips-first:     [visual token of each context clip, in order; <bos>; question; <ans>; answer; <eos>]
//   question-twice:  [<bos>; question; visual tokens …; <bos>; question; <ans>; answer; <eos>]
// right-padded to a common length T. Under causal attention a clip token of clips-first never sees
// the question; question-twice lets every clip token attend to it (the query-aware layout of Liu et
// al., "Lost in the Middle", 2023) at the cost of the question's tokens once more. Position t
// predicts token t+1; log π(y|x) sums the predictions of the answer tokens and <eos>. Pure:
// numbers in, typed arrays out.
//
// Must: causal attention needs no padding mask with right padding (a real token never attends a
// later pad). Must: `clipRows` index a visual-token table whose first rows (clip row 0) are zeros.
import { UserFacingError } from '../errors';
import type { SequenceLayout } from './config';
import { ANS, BOS, EOS, PAD } from './tokenizer';

export interface SequenceSpec {
  /** Rows of the visual-token table (≥ 1; r per clip with r tokens per clip), in playback order. */
  clipRows: readonly number[];
  question: readonly number[];
  answer: readonly number[];
}

export interface PackedBatch {
  /** Sequences (N) and padded length (T). */
  n: number;
  t: number;
  /** [N·T] token id at each position (PAD at visual and padding positions). */
  tokenIds: Int32Array;
  /** [N·T] clip-table row at visual positions, 0 elsewhere. */
  visualRows: Int32Array;
  /** [N·T] 1 at visual positions. */
  isVisual: Float32Array;
  /** [N·T] the token position t must predict (id at t+1; PAD past the end). */
  targets: Int32Array;
  /** [N·T] 1 where `targets` is an answer token or the closing <eos>. */
  answerMask: Float32Array;
  /** [N] answer tokens scored per sequence (answer + <eos>). */
  answerTokens: Int32Array;
  /** Real (non-pad) tokens in the batch. */
  realTokens: number;
}

/** Tokens of one sequence before padding. */
export function sequenceLength(s: SequenceSpec, layout: SequenceLayout = 'clips-first'): number {
  const prefix = layout === 'question-twice' ? 1 + s.question.length : 0;
  return prefix + s.clipRows.length + 1 + s.question.length + 1 + s.answer.length + 1;
}

/** Padded lengths are multiples of this, so backends that compile per shape see few shapes. */
export const LENGTH_BUCKET = 8;

/**
 * Writes a sequence's prefix at `base`: [<bos>; question] for question-twice, the visual tokens,
 * then [<bos>; question; <ans>]. Returns the length written (the first answer token's position).
 */
function writePrefix(s: Pick<SequenceSpec, 'clipRows' | 'question'>, layout: SequenceLayout, out: { tokenIds: Int32Array; visualRows: Int32Array; isVisual: Float32Array }, base: number): number {
  let p = 0;
  if (layout === 'question-twice') for (const id of [BOS, ...s.question]) out.tokenIds[base + p++] = id;
  for (const row of s.clipRows) {
    out.visualRows[base + p] = row;
    out.isVisual[base + p] = 1;
    out.tokenIds[base + p] = PAD;
    p++;
  }
  for (const id of [BOS, ...s.question, ANS]) out.tokenIds[base + p++] = id;
  return p;
}

export function packBatch(specs: readonly SequenceSpec[], maxContext: number, layout: SequenceLayout = 'clips-first'): PackedBatch {
  const n = specs.length;
  const longest = Math.max(...specs.map((s) => sequenceLength(s, layout)));
  if (longest > maxContext)
    throw new UserFacingError(
      `A sequence has ${longest} tokens (visual tokens of its clips + question + answer), more than the model's context of ${maxContext}.`,
      'Use shorter composites (fewer clips: eval --lengths, a smaller Stage 1 frame budget) or train SFT with a longer context (`train --context`, or Context on the Train page).',
    );
  const t = Math.min(maxContext, Math.ceil(longest / LENGTH_BUCKET) * LENGTH_BUCKET);
  const tokenIds = new Int32Array(n * t);
  const visualRows = new Int32Array(n * t);
  const isVisual = new Float32Array(n * t);
  const targets = new Int32Array(n * t);
  const answerMask = new Float32Array(n * t);
  const answerTokens = new Int32Array(n);
  let realTokens = 0;
  specs.forEach((s, b) => {
    const base = b * t;
    const answerStart = writePrefix(s, layout, { tokenIds, visualRows, isVisual }, base); // position of the first answer token
    let p = answerStart;
    for (const id of [...s.answer, EOS]) tokenIds[base + p++] = id;
    realTokens += p;
    // targets[t] = token at t+1 (visual positions have no token: PAD, never scored; nor is the
    // leading question of question-twice: only answer targets enter the losses)
    for (let i = 0; i < p - 1; i++) targets[base + i] = tokenIds[base + i + 1] as number;
    for (let pos = answerStart; pos < p; pos++) answerMask[base + pos - 1] = 1;
    answerTokens[b] = s.answer.length + 1;
  });
  return { n, t, tokenIds, visualRows, isVisual, targets, answerMask, answerTokens, realTokens };
}

/** One multiple-choice item: its context, question, and every candidate answer. */
export interface ChoiceSpec {
  clipRows: readonly number[];
  question: readonly number[];
  answers: readonly (readonly number[])[];
}

/**
 * Items packed with their candidates sharing one prefix (evaluation): per item ONE sequence,
 * [the layout's prefix up to and including <ans>; candidate 1's answer tokens; candidate 2's; …].
 * Each candidate's tokens sit at the positions they would have right after <ans> (`positions`)
 * and attend only to the prefix and to themselves (`mask`), so every candidate is scored exactly
 * as in its own sequence, while the prefix (clips and question: nearly all of a long composite's
 * tokens) is computed once instead of once per candidate.
 */
export interface PackedChoices {
  n: number;
  t: number;
  tokenIds: Int32Array;
  visualRows: Int32Array;
  isVisual: Float32Array;
  /** [N·T] rotary position of each slot. */
  positions: Int32Array;
  /** [N·T·T] additive attention mask: 0 where slot i may attend slot j, −1e9 elsewhere. */
  mask: Float32Array;
  /** Log-probs to read: slot (index into N·T), the token it must predict, and whose candidate it scores (index over all items' candidates, in order). */
  picks: { at: Int32Array; token: Int32Array; candidate: Int32Array };
  /** Candidates over all items. */
  candidates: number;
  /** Slots that are not padding (the prefixes and every candidate's tokens). */
  realTokens: number;
}

export function packChoices(specs: readonly ChoiceSpec[], maxContext: number, layout: SequenceLayout = 'clips-first'): PackedChoices {
  // Refused as the same candidates in sequences of their own would be (packBatch names the limit and the fix).
  const alone = specs.flatMap((s) => s.answers.map((answer): SequenceSpec => ({ clipRows: s.clipRows, question: s.question, answer })));
  if (alone.length === 0) throw new RangeError('packChoices needs at least one candidate');
  const longest = alone.reduce((a, s) => (sequenceLength(s, layout) > sequenceLength(a, layout) ? s : a));
  if (sequenceLength(longest, layout) > maxContext) packBatch([longest], maxContext, layout);
  const prefixOf = (s: ChoiceSpec): number => sequenceLength({ ...s, answer: [] }, layout) - 1; // through <ans>
  const packed = specs.map((s) => prefixOf(s) + s.answers.reduce((a, ans) => a + ans.length, 0));
  const n = specs.length;
  const t = Math.ceil(Math.max(...packed) / LENGTH_BUCKET) * LENGTH_BUCKET;
  const tokenIds = new Int32Array(n * t);
  const visualRows = new Int32Array(n * t);
  const isVisual = new Float32Array(n * t);
  const positions = new Int32Array(n * t);
  const mask = new Float32Array(n * t * t).fill(-1e9);
  const at: number[] = [];
  const token: number[] = [];
  const candidate: number[] = [];
  let c = 0;
  specs.forEach((s, b) => {
    const base = b * t;
    const prefix = writePrefix(s, layout, { tokenIds, visualRows, isVisual }, base);
    let p = prefix;
    // owner[i]: −1 for the prefix, k for candidate k's slots, −2 for padding.
    const owner = new Int32Array(t).fill(-2);
    for (let i = 0; i < prefix; i++) {
      positions[base + i] = i;
      owner[i] = -1;
    }
    s.answers.forEach((answer, k) => {
      const targets = [...answer, EOS];
      // <ans> predicts the first target; each answer token the next.
      targets.forEach((id, j) => {
        at.push(base + (j === 0 ? prefix - 1 : p + j - 1));
        token.push(id);
        candidate.push(c);
      });
      answer.forEach((id, j) => {
        tokenIds[base + p + j] = id;
        positions[base + p + j] = prefix + j;
        owner[p + j] = k;
      });
      p += answer.length;
      c++;
    });
    for (let i = p; i < t; i++) positions[base + i] = Math.min(i, prefix);
    for (let i = 0; i < t; i++) {
      const row = (b * t + i) * t;
      const own = owner[i] as number;
      for (let j = 0; j <= i; j++) {
        const o = owner[j] as number;
        // The prefix sees its past; a candidate sees the prefix and its own earlier tokens; a pad slot sees the prefix and itself.
        if (o === -1 || (own >= 0 && o === own) || j === i) mask[row + j] = 0;
      }
    }
  });
  return { n, t, tokenIds, visualRows, isVisual, positions, mask, picks: { at: Int32Array.from(at), token: Int32Array.from(token), candidate: Int32Array.from(candidate) }, candidates: c, realTokens: packed.reduce((a, x) => a + x, 0) };
}
