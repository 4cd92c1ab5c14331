// From (clip ids, question tokens, answer tokens) items to the tensors' inputs: the packed batch
// and the batch's clip table (row 0 zeros, then each distinct clip once). Also batched scoring of
// answers, log π(y | x), for reference log-probs and evaluation.
import * as tf from '@tensorflow/tfjs-core';
import { UserFacingError } from '../../core/errors';
import { withAnchorHidden, type ProbeItem } from '../../core/eval/probe';
import { layoutOf, visualTokensOf, type ModelConfig } from '../../core/train/config';
import { packBatch, packChoices, sequenceLength } from '../../core/train/layout';
import { answerLogps, choiceLogps, type ForwardInputs, type ParamTensors } from './model';

/** Clip embeddings by id (the library's clip records, or clips.jsonl). */
export interface ClipSource {
  dim: number;
  /** Visual tokens per clip vector (equal parts); 1 when absent. */
  tokens?: number;
  vector(id: string): Float32Array | undefined;
}

/**
 * The same clips with every vector zeroed (the question-only baseline, `eval --blind`): a clip
 * the source has reads as zeros, one it lacks stays missing, so packing refuses the same items.
 */
function blindSource(source: ClipSource): ClipSource {
  const zeros = new Float32Array(source.dim);
  return { ...source, vector: (id) => (source.vector(id) ? zeros : undefined) };
}

/** What the policy is shown of a probe's clips: all, none (the question-only baseline), or all but each item's anchor. */
export type Shown = 'seeing' | 'blind' | 'anchor-hidden';

/** Clip id standing for a hidden anchor; the source below reads it as zeros. */
const HIDDEN_CLIP = '\u0000hidden';

/**
 * The probe's items and clips as the policy is shown them. The items are built from the real
 * clips either way (same items, same candidates, same fingerprint); `blind` zeroes every clip
 * vector, `anchor-hidden` replaces each item's anchor by a zero clip, so the distractors and every
 * position stay and only what the anchor shows is gone.
 */
export function shownInputs<T extends Pick<ProbeItem, 'clips' | 'anchor' | 'position'>>(items: readonly T[], source: ClipSource, shown: Shown): { items: readonly T[]; source: ClipSource } {
  if (shown === 'blind') return { items, source: blindSource(source) };
  if (shown === 'seeing') return { items, source };
  const zeros = new Float32Array(source.dim);
  return { items: withAnchorHidden(items, HIDDEN_CLIP), source: { ...source, vector: (id) => (id === HIDDEN_CLIP ? zeros : source.vector(id)) } };
}

export interface ScoredItem {
  clips: readonly string[];
  question: readonly number[];
  answer: readonly number[];
}

/** The clip table of some items (row 0 zeros, then each distinct clip once) and each clip's token rows. */
function clipTableOf(items: readonly { clips: readonly string[] }[], clips: ClipSource, m: ModelConfig): { clipTable: Float32Array; clipRows: number; tokens: (c: string) => number[] } {
  const rows = new Map<string, number>();
  for (const it of items) for (const c of it.clips) if (!rows.has(c)) rows.set(c, rows.size + 1);
  const clipRows = rows.size + 1;
  const clipTable = new Float32Array(clipRows * m.visualDim);
  for (const [id, row] of rows) {
    const v = clips.vector(id);
    if (!v) throw new UserFacingError(`Clip ${id} has no embedding.`, 'Import (or re-embed) the video it comes from, or drop the samples that use it.');
    if (v.length !== m.visualDim) throw new UserFacingError(`Clip ${id} has a ${v.length}-d embedding; the model takes ${m.visualDim}-d.`, 'Train on clips made with the same embedder as the checkpoint.');
    clipTable.set(v, row * m.visualDim);
  }
  const r = visualTokensOf(m);
  return { clipTable, clipRows, tokens: (c) => Array.from({ length: r }, (_, j) => (rows.get(c) as number) * r + j) };
}

export function forwardInputs(items: readonly ScoredItem[], clips: ClipSource, m: ModelConfig): ForwardInputs {
  const { clipTable, clipRows, tokens } = clipTableOf(items, clips, m);
  const batch = packBatch(
    items.map((it) => ({ clipRows: it.clips.flatMap(tokens), question: it.question, answer: it.answer })),
    m.maxContext,
    layoutOf(m),
  );
  return { batch, clipTable, clipRows };
}

/**
 * log π(answer | clips, question) of every item, summed over answer tokens + <eos>, in batches.
 * One read-back per batch (a CPU-GPU sync point). A batch is padded to its longest sequence, so
 * with `byLength` the items are scored shortest first (a stable order; the scores come back in the
 * items' order): an evaluation mixes 1- and 16-clip composites, and batches of one length pad
 * little. Off by default, so training's reference log-probs keep their batches.
 */
export async function scoreAnswers(
  params: ParamTensors,
  m: ModelConfig,
  clips: ClipSource,
  items: readonly ScoredItem[],
  options: { batchSize?: number; byLength?: boolean; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const size = options.batchSize ?? 32;
  const out = new Float32Array(items.length);
  const order = items.map((_, i) => i);
  if (options.byLength) {
    const r = visualTokensOf(m);
    const length = items.map((it) => sequenceLength({ clipRows: new Array<number>(it.clips.length * r), question: it.question, answer: it.answer }, layoutOf(m)));
    order.sort((a, b) => (length[a] as number) - (length[b] as number) || a - b);
  }
  for (let i = 0; i < items.length; i += size) {
    options.signal?.throwIfAborted();
    const at = order.slice(i, i + size);
    const inputs = forwardInputs(
      at.map((k) => items[k] as ScoredItem),
      clips,
      m,
    );
    const logps = tf.tidy(() => answerLogps(params, m, inputs).logps);
    const values = await logps.data();
    logps.dispose();
    at.forEach((k, j) => (out[k] = values[j] as number));
    options.onProgress?.(Math.min(items.length, i + size), items.length);
  }
  return out;
}

/** A multiple-choice item: its clips and question, and every candidate answer. */
export interface ChoiceInput {
  clips: readonly string[];
  question: readonly number[];
  answers: readonly (readonly number[])[];
}

/**
 * log π(candidate | clips, question) of every candidate of every item (in order, flat), as
 * `scoreAnswers` gives for each candidate in a sequence of its own, but with each item's
 * candidates sharing one prefix (`packChoices`): the clips and question, nearly all of a long
 * composite's tokens, are computed once per item instead of once per candidate. Items are scored
 * shortest first, `batchSize` items a batch, one read-back each.
 */
export async function scoreChoices(
  params: ParamTensors,
  m: ModelConfig,
  clips: ClipSource,
  items: readonly ChoiceInput[],
  options: { batchSize?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const size = options.batchSize ?? 16;
  const first = new Int32Array(items.length + 1);
  items.forEach((it, i) => (first[i + 1] = (first[i] as number) + it.answers.length));
  const out = new Float32Array(first[items.length] as number);
  const r = visualTokensOf(m);
  const length = items.map((it) => it.clips.length * r + it.question.length + it.answers.reduce((a, x) => a + x.length, 0));
  const order = items.map((_, i) => i).sort((a, b) => (length[a] as number) - (length[b] as number) || a - b);
  for (let i = 0; i < items.length; i += size) {
    options.signal?.throwIfAborted();
    const at = order.slice(i, i + size).map((k) => ({ k, item: items[k] as ChoiceInput }));
    const { clipTable, clipRows, tokens } = clipTableOf(
      at.map((x) => x.item),
      clips,
      m,
    );
    const packed = packChoices(
      at.map(({ item }) => ({ clipRows: item.clips.flatMap(tokens), question: item.question, answers: item.answers })),
      m.maxContext,
      layoutOf(m),
    );
    const picked = tf.tidy(() => choiceLogps(params, m, { batch: packed, clipTable, clipRows, shared: packed, picks: packed.picks }));
    const values = await picked.data();
    picked.dispose();
    // The batch's candidates are numbered in its items' order; each sums its picks.
    const sums = new Float64Array(packed.candidates);
    packed.picks.candidate.forEach((c, j) => (sums[c] = (sums[c] as number) + (values[j] as number)));
    let c = 0;
    for (const { k, item } of at) for (let a = 0; a < item.answers.length; a++) out[(first[k] as number) + a] = sums[c++] as number;
    options.onProgress?.(Math.min(items.length, i + size), items.length);
  }
  return out;
}

/** A DPO pair's context and its two answers (token ids). */
export interface PairItem {
  clips: readonly string[];
  question: readonly number[];
  chosen: readonly number[];
  rejected: readonly number[];
}

/** A micro-batch of pairs, ready to score under any weights (the policy in a gradient function, or the reference). */
export interface PairForward {
  /** [2B] summed answer log-probs (answer tokens + <eos>), chosen then rejected, as TRL's concatenated forward. Call inside tf.tidy or a gradient function. */
  logps(params: ParamTensors): tf.Tensor1D;
  /** Token slots the forward pass computes (padding excluded): the cost, for tokens_per_s. */
  realTokens: number;
}

/**
 * The forward pass of a DPO micro-batch. `shared` (the default): each pair is ONE sequence, its
 * clips and question once and then both answers, each at the positions it would have right after
 * <ans> and attending only to the prefix and itself (`packChoices`), so the composite — nearly all
 * of a pair's tokens — is computed once instead of twice; the log-probs and their gradients are a
 * sequence of its own's (`inputs.test.ts`). Off: the batch [chosen; rejected] of 2B sequences.
 */
export function pairForward(pairs: readonly PairItem[], clips: ClipSource, m: ModelConfig, o: { shared?: boolean } = {}): PairForward {
  const b = pairs.length;
  if (o.shared === false) {
    const items: ScoredItem[] = [...pairs.map((p) => ({ clips: p.clips, question: p.question, answer: p.chosen })), ...pairs.map((p) => ({ clips: p.clips, question: p.question, answer: p.rejected }))];
    const inputs = forwardInputs(items, clips, m);
    return { logps: (params) => answerLogps(params, m, inputs).logps, realTokens: inputs.batch.realTokens };
  }
  const { clipTable, clipRows, tokens } = clipTableOf(pairs, clips, m);
  const packed = packChoices(
    pairs.map((p) => ({ clipRows: p.clips.flatMap(tokens), question: p.question, answers: [p.chosen, p.rejected] })),
    m.maxContext,
    layoutOf(m),
  );
  // Candidate 2k is pair k's chosen (row k), 2k + 1 its rejected (row B + k): one [2B, P] 0/1
  // matrix sums each candidate's picked log-probs, differentiably.
  const picks = packed.picks.at.length;
  const sum = new Float32Array(2 * b * picks);
  packed.picks.candidate.forEach((c, j) => (sum[((c % 2) * b + Math.floor(c / 2)) * picks + j] = 1));
  return {
    logps: (params) => {
      const picked = choiceLogps(params, m, { batch: packed, clipTable, clipRows, shared: packed, picks: packed.picks });
      return tf.reshape(tf.matMul(tf.tensor2d(sum, [2 * b, picks]), tf.reshape(picked, [picks, 1])), [2 * b]) as tf.Tensor1D;
    },
    realTokens: packed.realTokens,
  };
}
