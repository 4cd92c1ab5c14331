// Single-clip SFT samples (issue #12, DESIGN.md §7): the "short-context model" is trained on
// (one clip, its question) → answer before any DPO. Questions come from the same generator as
// Stage 1 (anchoredQA, `variant` k = the clip's k-th question), on clips that are NOT Stage 1
// anchors, so the DPO stages never re-train an SFT question. Pure and deterministic.
import { throwIfCancelled } from '../errors';
import { GeneratorUnavailableError, type CancelSignal, type Generator } from '../generators/types';
import type { SynthClip } from '../synthesis/stage1Settings';
import type { SftLine } from './sftData';
import { mulberry32, seedFrom } from '../world/random';

/**
 * Which wording of each question SFT trains on: the anchored one Stage 1 and the probe ask
 * ("On the … background, …"), the generator's clip-only form where it has one (else the anchored
 * one), or both as two samples. Clip-only questions recur across clips with other answers, so
 * the words alone do not give the answer away (docs/training.md, "SFT questions").
 */
export const SFT_QUESTION_FORMS = ['anchored', 'clip-only', 'both'] as const;
export type SftQuestionForm = (typeof SFT_QUESTION_FORMS)[number];

export interface SftSynthesisReport {
  clips: number;
  excludedAnchors: number;
  samples: number;
  /** Samples asked in the generator's clip-only form. */
  clipOnly: number;
  /** Clips the generator had no question for. */
  skippedClips: number;
  byFamily: Record<string, number>;
}

export async function synthesizeSft(
  clips: readonly SynthClip[],
  generator: Generator,
  options: { exclude: ReadonlySet<string>; questionsPerClip: number; questionForm?: SftQuestionForm; signal?: CancelSignal; onProgress?: (done: number, total: number) => void },
): Promise<{ lines: SftLine[]; report: SftSynthesisReport }> {
  const lines: SftLine[] = [];
  const byFamily: Record<string, number> = {};
  let skipped = 0;
  let clipOnly = 0;
  const form = options.questionForm ?? 'anchored';
  const usable = clips.filter((c) => !options.exclude.has(c.id));
  for (const [i, c] of usable.entries()) {
    throwIfCancelled(options.signal);
    const seen = new Set<string>();
    let asked = 0;
    for (let variant = 0; variant < options.questionsPerClip; variant++) {
      let qa;
      try {
        qa = await generator.anchoredQA({ clip: { id: c.id, videoId: c.videoId, videoName: c.videoName, startS: c.startS, endS: c.endS }, variant, ...(c.caption !== undefined && { caption: c.caption }), ...(form !== 'anchored' && { clipOnly: true }) }, options.signal);
      } catch (e) {
        if (e instanceof GeneratorUnavailableError) break;
        throw e;
      }
      const key = qa.value.question.trim().toLowerCase();
      if (seen.has(key)) break; // the generator ran out of new questions for this clip
      seen.add(key);
      asked++;
      byFamily[qa.value.family] = (byFamily[qa.value.family] ?? 0) + 1;
      const line = (id: string, question: string): SftLine => ({ id, clip: c.id, video: c.videoId, start_s: c.startS, end_s: c.endS, task_type: qa.value.family, question, answer: qa.value.answer, generator: qa.provenance.generator });
      const short = form === 'anchored' ? undefined : qa.value.clipOnlyQuestion;
      if (form !== 'clip-only' || short === undefined) lines.push(line(`sft-${c.id}-${variant}`, qa.value.question));
      if (short !== undefined) {
        lines.push(line(`sft-${c.id}-${variant}${form === 'both' ? '-clip' : ''}`, short));
        clipOnly++;
      }
    }
    if (asked === 0) skipped++;
    options.onProgress?.(i + 1, usable.length);
  }
  return { lines, report: { clips: clips.length, excludedAnchors: clips.length - usable.length, samples: lines.length, clipOnly, skippedClips: skipped, byFamily } };
}

/** Share of the library's clips kept for SFT, and the fixed seed that picks them (by clip id, not by any run's seed). */
export const SFT_SHARE = 0.5;
export const SFT_CLIP_SEED = 0;

/**
 * The clips reserved for SFT: a seeded `share` of them, never Stage 1 anchors (they may still be
 * distractors). Deterministic for (seed, clip ids).
 */
export function sftReservedClips(clips: readonly { id: string }[], seed: number, share: number): Set<string> {
  if (!(share >= 0 && share < 1)) throw new RangeError(`the SFT share must be in [0, 1) (got ${share})`);
  const ids = clips.map((c) => c.id).sort();
  mulberry32(seedFrom('sft-clips', seed)).shuffle(ids);
  return new Set(ids.slice(0, Math.round(share * ids.length)));
}
