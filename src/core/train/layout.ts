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
    let p = 0;
    if (layout === 'question-twice') for (const id of [BOS, ...s.question]) tokenIds[base + p++] = id;
    for (const row of s.clipRows) {
      visualRows[base + p] = row;
      isVisual[base + p] = 1;
      tokenIds[base + p] = PAD;
      p++;
    }
    const text = [BOS, ...s.question, ANS, ...s.answer, EOS];
    const answerStart = p + 1 + s.question.length + 1; // position of the first answer token
    for (const id of text) tokenIds[base + p++] = id;
    realTokens += p;
    // targets[t] = token at t+1 (visual positions have no token: PAD, never scored; nor is the
    // leading question of question-twice: only answer targets enter the losses)
    for (let i = 0; i < p - 1; i++) targets[base + i] = tokenIds[base + i + 1] as number;
    for (let pos = answerStart; pos < p; pos++) answerMask[base + pos - 1] = 1;
    answerTokens[b] = s.answer.length + 1;
  });
  return { n, t, tokenIds, visualRows, isVisual, targets, answerMask, answerTokens, realTokens };
}
