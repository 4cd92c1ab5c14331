// The Stage 2 probe (issue #13): held-out cross-scene queries over whole long videos. Each
// held-out Stage 2 triple becomes two items — the full video as context, and only the scenes its
// relevance chain cites — each a choice between the correct answer and the answer from a degraded
// context (partial evidence or irrelevance: plausible but wrong). Two forms of the same queries:
// the world's own triples, whose degraded-context answers are honest ("No object is seen on both
// backgrounds.") and so have forms of their own a policy can learn to avoid without the video; and
// the same-form probe, whose wrong answers are guesses of the correct answer's form (another
// object, count or order), which only looking can tell apart (docs/evaluation.md, "The same-form
// Stage 2 probe"). Pure.
import type { CancelSignal } from '../generators/types';
import { normalizeText } from '../synthesis/stage1';
import { synthesizeStage2, type Stage2Video } from '../synthesis/stage2';
import type { Triple } from '../triples/types';
import { createOracleGenerator, type World } from '../world';
import { proportion, type Proportion } from './stats';

export interface Stage2ProbeItem {
  id: string;
  context: 'full' | 'cited';
  task: string;
  clips: string[];
  question: string;
  answer: string;
  candidates: string[];
}

export function stage2ProbeItems(triples: readonly Triple[]): Stage2ProbeItem[] {
  const out: Stage2ProbeItem[] = [];
  for (const t of triples) {
    if (t.stage !== 2 || normalizeText(t.chosen) === normalizeText(t.rejected)) continue;
    const clips = t.clips.map((c) => c.id);
    const cited = [...(t.relevant_clips ?? [])].sort((a, b) => a - b).map((i) => clips[i] as string);
    const base = { task: t.task_type, question: t.question, answer: t.chosen, candidates: [t.chosen, t.rejected] };
    out.push({ id: `${t.id}-full`, context: 'full', clips, ...base }, { id: `${t.id}-cited`, context: 'cited', clips: cited, ...base });
  }
  return out;
}

export interface Stage2ContextSummary extends Proportion {
  /** Per Stage 2 task type. */
  by_task: Record<string, Proportion>;
}

/** Accuracy with each context (`full`, `cited`), overall and per task; `chosen[i]` is the candidate index picked for item i (0 = correct). */
export function summariseStage2(items: readonly Stage2ProbeItem[], chosen: ArrayLike<number>): Record<'full' | 'cited', Stage2ContextSummary> {
  const of = (context: 'full' | 'cited'): Stage2ContextSummary => {
    const idx = items.flatMap((it, i) => (it.context === context ? [i] : []));
    const right = (ix: number[]): number => ix.filter((i) => chosen[i] === 0).length;
    const tasks = [...new Set(idx.map((i) => (items[i] as Stage2ProbeItem).task))].sort();
    return {
      ...proportion(right(idx), idx.length),
      by_task: Object.fromEntries(tasks.map((t) => {
        const ti = idx.filter((i) => items[i]?.task === t);
        return [t, proportion(right(ti), ti.length)];
      })),
    };
  };
  return { full: of('full'), cited: of('cited') };
}

/** A world's videos with their detected scenes, in world order (videos without scenes left out). */
export function worldStage2Videos(world: World, scenes: readonly { id: string; videoId: string; videoName: string; startS: number; endS: number; frameCount: number }[]): Stage2Video[] {
  return world.videos.flatMap((v) => {
    const own = scenes.filter((s) => s.videoId === v.id);
    return own.length ? [{ videoId: v.id, videoName: v.fileName, durationS: v.durationS, scenes: own.map(({ id, videoId, videoName, startS, endS, frameCount }) => ({ id, videoId, videoName, startS, endS, frameCount })) }] : [];
  });
}

/**
 * How a held-out world's Stage 2 triples are made, as `longvpo demo` makes them: 200 wanted, from
 * videos of at least 60 s, with a fixed timestamp so the same world gives the same triples.
 */
export const STAGE2_PROBE_SYNTHESIS = { count: 200, minVideoS: 60, now: '2000-01-01T00:00:00.000Z' } as const;

/**
 * The same-form Stage 2 probe's triples: the held-out world's cross-scene queries with y− written
 * by the oracle as a guess of the correct answer's form from the degraded context (the same as
 * `longvpo synth --stage 2 --oracle SIZE --seed S --min-video-s 60 --stage2-rejected guess` on the
 * world's scenes). `seed` is the held-out world's seed.
 */
export async function sameFormStage2Triples(world: World, videos: readonly Stage2Video[], seed: number, signal?: CancelSignal): Promise<Triple[]> {
  const { triples } = await synthesizeStage2(videos, createOracleGenerator(world, { degraded: 'guess' }), { seed, ...STAGE2_PROBE_SYNTHESIS, ...(signal && { signal }) });
  return triples;
}
