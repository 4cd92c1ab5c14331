// One Stage 1 attempt (docs/stage1.md): anchor → anchored question → distractors through the
// similarity filter → rejected answer from the distractors → specificity judgement, ending kept,
// discarded (with the reason) or skipped (the generator cannot serve the anchor).
//
// Must: an attempt reads shared state only — it never writes the run's tallies — and its only
// random draw is seeded by seed, anchor clip and epoch, so its outcome is the same whatever runs
// beside it (concurrency) or how long the generator takes. The run commits outcomes in order.

import { GeneratorUnavailableError, type AnchoredQA, type CancelSignal, type ClipRef, type Generated, type Generator } from '../generators/types';
import { mulberry32, seedFrom } from '../world/random';
import { clipPoolOf, pickDistractors, type ClipPool } from './distractors';
import type { Settings, SynthClip } from './stage1Settings';
import { normalizeText, type Draft } from './stage1Triple';

export type DiscardReason = 'no_dissimilar_distractor' | 'rejected_equals_chosen' | 'not_specific' | 'duplicate' | 'generator_unavailable';
export const DISCARD_REASONS: readonly DiscardReason[] = ['no_dissimilar_distractor', 'rejected_equals_chosen', 'not_specific', 'duplicate', 'generator_unavailable'];

/** What every attempt shares: clips by video, the settings and the generator. Read-only during a run. */
export interface Context extends ClipPool {
  generator: Generator;
  signal?: CancelSignal;
  /** Keys of kept triples, as of the last commit. */
  keptKeys: ReadonlySet<string>;
}

export function contextOf(clips: readonly SynthClip[], generator: Generator, settings: Settings, keptKeys: ReadonlySet<string>, signal?: CancelSignal): Context {
  return { ...clipPoolOf(clips, settings), generator, ...(signal && { signal }), keptKeys };
}

export interface Attempt {
  anchor: number;
  epoch: number;
}

/** `problem`: what the generator said when it could not serve the attempt (shown to the user). */
export type Outcome = { kind: 'skipped'; problem: string } | { kind: 'discarded'; key: string; reason: DiscardReason; problem?: string } | { kind: 'kept'; key: string; draft: Draft };

const keyOf = (clipId: string, question: string): string => `${clipId}\u241f${normalizeText(question)}`;

function clipRef(c: SynthClip): ClipRef {
  const ref: ClipRef = { id: c.id, videoId: c.videoId, videoName: c.videoName, startS: c.startS, endS: c.endS };
  if (c.loadFrames) ref.loadFrames = c.loadFrames;
  return ref;
}

export async function runAttempt(ctx: Context, attempt: Attempt, row: Float32Array): Promise<Outcome> {
  const { clips, generator, signal, settings } = ctx;
  const anchorClip = clips[attempt.anchor] as SynthClip;
  let qa: Generated<AnchoredQA>;
  try {
    // Pass k asks for the clip's k-th question: later passes add new questions, not duplicates.
    qa = await generator.anchoredQA({ clip: clipRef(anchorClip), variant: attempt.epoch, ...(anchorClip.caption !== undefined && { caption: anchorClip.caption }) }, signal);
  } catch (e) {
    if (e instanceof GeneratorUnavailableError) return { kind: 'skipped', problem: e.message };
    throw e;
  }
  const key = keyOf(anchorClip.id, qa.value.question);
  // Already kept: the commit would call it a duplicate anyway, so save the generator calls.
  if (ctx.keptKeys.has(key)) return { kind: 'discarded', key, reason: 'duplicate' };
  const pick = pickDistractors(ctx, attempt.anchor, row, mulberry32(seedFrom('stage1-distractors', settings.seed, anchorClip.id, attempt.epoch)));
  if (!pick.ok) return { kind: 'discarded', key, reason: 'no_dissimilar_distractor' };
  const others = pick.distractors.map((j) => clips[j] as SynthClip);
  const captions = others.map((c) => c.caption);
  try {
    const question = qa.value.question;
    const rejected = await generator.answer(
      { question, clips: others.map(clipRef), ...(captions.every((c) => c !== undefined) && { captions: captions as string[] }) },
      signal,
    );
    if (normalizeText(rejected.value) === normalizeText(qa.value.answer)) return { kind: 'discarded', key, reason: 'rejected_equals_chosen' };
    const draft: Draft = { anchor: attempt.anchor, qa, rejected, ...pick };
    if (!settings.specificityFilter) return { kind: 'kept', key, draft };
    draft.verdict = await generator.judgeSpecificity({ question, anchor: clipRef(anchorClip), others: others.map(clipRef) }, signal);
    return draft.verdict.value.specific ? { kind: 'kept', key, draft } : { kind: 'discarded', key, reason: 'not_specific' };
  } catch (e) {
    if (e instanceof GeneratorUnavailableError) return { kind: 'discarded', key, reason: 'generator_unavailable', problem: e.message };
    throw e;
  }
}
