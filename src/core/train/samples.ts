// Training samples (issue #12): what the trainer consumes, built from the studio's triples and
// single-clip SFT rows. A sample names its clips by id; the clip table (embeddings) is separate,
// so the same samples serve the browser (IndexedDB clips) and Node (clips.jsonl). Pure.
//
// Must: the anchor-only reference context of a Stage 1 triple is exactly its anchor clip
// (DESIGN.md §1, Stage 1 step 6); of a Stage 2 triple, its cited scenes in playback order.
import { UserFacingError } from '../errors';
import type { Triple } from '../triples/types';
import type { RefMode } from './config';

export interface SftSample {
  id: string;
  clips: string[];
  question: string;
  answer: string;
}

export interface PreferenceSample {
  id: string;
  stage: 1 | 2;
  task: string;
  /** The policy's context: every clip of the composite, in order. */
  clips: string[];
  /** The anchor-only reference's context: the anchor (Stage 1) or the cited scenes (Stage 2). */
  anchorClips: string[];
  question: string;
  chosen: string;
  rejected: string;
  /** Cached reference log-probs carried by the triple itself (TRL `ref_*_logps` columns). */
  refChosenLogps?: number;
  refRejectedLogps?: number;
}

export function preferenceSample(t: Triple): PreferenceSample {
  const clips = t.clips.map((c) => c.id);
  let anchorClips: string[];
  if (t.stage === 1) {
    const a = t.anchor_index;
    if (a === undefined || clips[a] === undefined) throw new UserFacingError(`Triple ${t.id} has no anchor clip.`, 'Stage 1 triples need anchor_index: synthesize or import them again.');
    anchorClips = [clips[a] as string];
  } else {
    const cited = [...(t.relevant_clips ?? [])].sort((x, y) => x - y).map((i) => clips[i]);
    if (cited.length === 0 || cited.some((c) => c === undefined)) throw new UserFacingError(`Triple ${t.id} cites no scene.`, 'Stage 2 triples need relevant_clips: synthesize or import them again.');
    anchorClips = cited as string[];
  }
  return {
    id: t.id,
    stage: t.stage,
    task: t.task_type,
    clips,
    anchorClips,
    question: t.question,
    chosen: t.chosen,
    rejected: t.rejected,
    ...(t.ref_chosen_logps !== undefined && { refChosenLogps: t.ref_chosen_logps }),
    ...(t.ref_rejected_logps !== undefined && { refRejectedLogps: t.ref_rejected_logps }),
  };
}

/** The reference model's context for a sample in a reference mode. */
export function referenceClips(s: PreferenceSample, mode: RefMode): string[] {
  return mode === 'anchor' ? s.anchorClips : s.clips;
}

/** Every clip id the samples need, checked against the clips that exist. */
export function missingClips(samples: readonly { clips: readonly string[] }[], known: ReadonlySet<string>): string[] {
  const missing = new Set<string>();
  for (const s of samples) for (const c of s.clips) if (!known.has(c)) missing.add(c);
  return [...missing].sort();
}

/** The texts a tokenizer is built from. */
export function* sampleTexts(samples: readonly (SftSample | PreferenceSample)[]): Generator<string> {
  for (const s of samples) {
    yield s.question;
    if ('answer' in s) yield s.answer;
    else {
      yield s.chosen;
      yield s.rejected;
    }
  }
}
