// Multiple-choice scoring by answer log-likelihood (issue #12 for the SFT check; the probe of
// issue #13 builds on it): each candidate answer is scored log π(candidate | clips, question),
// summed or per token, and the best candidate is the model's choice. An item's candidates share
// one prefix (its clips and question, computed once: `scoreChoices`), items go shortest first.
import type { ModelConfig } from '../../core/train/config';
import type { WordTokenizer } from '../../core/train/tokenizer';
import { scoreChoices, type ChoiceInput, type ClipSource } from '../policy/inputs';
import type { ParamTensors } from '../policy/model';

export interface ChoiceItem {
  clips: readonly string[];
  question: string;
  /** The correct answer; it must also be among `candidates`. */
  answer: string;
  candidates: readonly string[];
}

export interface ChoiceResult {
  /** Index of the chosen candidate per item, summed and length-normalised scoring. */
  chosenSum: number[];
  chosenMean: number[];
  accuracySum: number;
  accuracyMean: number;
  /** Summed log-prob of every candidate, per item (for inspecting an item). */
  scores: number[][];
}

export async function multipleChoice(params: ParamTensors, m: ModelConfig, clips: ClipSource, tokenizer: WordTokenizer, items: readonly ChoiceItem[], o: { batchSize?: number; signal?: AbortSignal } = {}): Promise<ChoiceResult> {
  const packed: ChoiceInput[] = [];
  const lengths: number[] = [];
  for (const it of items) {
    if (!it.candidates.includes(it.answer)) throw new RangeError(`the correct answer "${it.answer}" is not a candidate`);
    const answers = it.candidates.map((c) => tokenizer.encode(c));
    packed.push({ clips: it.clips, question: tokenizer.encode(it.question), answers });
    for (const a of answers) lengths.push(a.length + 1);
  }
  const scores = await scoreChoices(params, m, clips, packed, { ...(o.batchSize !== undefined && { batchSize: o.batchSize }), ...(o.signal && { signal: o.signal }) });
  const chosenSum: number[] = [];
  const chosenMean: number[] = [];
  const perItem: number[][] = [];
  let k = 0;
  let rightSum = 0;
  let rightMean = 0;
  for (const it of items) {
    let bestSum = 0;
    let bestMean = 0;
    it.candidates.forEach((_, j) => {
      const s = scores[k + j] as number;
      if (s > (scores[k + bestSum] as number)) bestSum = j;
      if (s / (lengths[k + j] as number) > (scores[k + bestMean] as number) / (lengths[k + bestMean] as number)) bestMean = j;
    });
    perItem.push(Array.from(scores.subarray(k, k + it.candidates.length)));
    chosenSum.push(bestSum);
    chosenMean.push(bestMean);
    if (it.candidates[bestSum] === it.answer) rightSum++;
    if (it.candidates[bestMean] === it.answer) rightMean++;
    k += it.candidates.length;
  }
  return { chosenSum, chosenMean, accuracySum: rightSum / items.length, accuracyMean: rightMean / items.length, scores: perItem };
}
