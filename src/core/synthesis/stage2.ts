// Stage 2 synthesis (DESIGN.md §1 Stage 2, issue #10): recursive scene captions, cross-scene
// queries whose reasoning cites scenes (the relevance chain), chosen = the answer from the cited
// scenes, rejected = the answer from a degraded context (partial evidence or irrelevance). Pure
// TypeScript over scenes and a Generator; docs/stage2.md describes the method and every discard.
//
// Must: the same videos, captions, generator answers, params and seed give byte-identical
// triples, whatever the concurrency or generator latency (outcomes are committed in attempt order;
// every random draw is seeded by seed, video and variant). Must: a cancelled run rejects with an
// AbortError and returns nothing partial.

import { GeneratorReplyError, GeneratorUnavailableError, type CancelSignal, type CrossSceneQuery, type Generated, type Generator } from '../generators/types';
import type { Triple } from '../triples/types';
import { mulberry32, seedFrom } from '../world/random';
import { captionScenes, firstToCaption, sceneRef } from './stage2Captions';
import { relevanceChain } from './stage2Citations';
import { checkVideos, resolveStage2Settings, type SceneCaptionRecord, type Stage2Params, type Stage2Settings, type Stage2Video } from './stage2Settings';
import { buildStage2Triple, type Stage2Draft, type Stage2Strategy } from './stage2Triple';
import { normalizeText } from './stage1Triple';

export { captionScenes, editCaption, firstToCaption } from './stage2Captions';
export { citedSceneNumbers, relevanceChain } from './stage2Citations';
export { MAX_FRAMES_PER_SCENE, STAGE2_DEFAULTS, Stage2ParamsError, type SceneCaptionRecord, type Stage2Params, type Stage2Phase, type Stage2Progress, type Stage2Scene, type Stage2Video } from './stage2Settings';
export { STAGE2_SYNTHESIS, stage2TripleId, type Stage2Strategy } from './stage2Triple';

export const STAGE2_DISCARD_REASONS = ['duplicate', 'no_citation', 'unknown_scene', 'too_few_citations', 'unparseable', 'rejected_equals_chosen', 'generator_unavailable'] as const;
export type Stage2DiscardReason = (typeof STAGE2_DISCARD_REASONS)[number];
export const STAGE2_STRATEGIES: readonly Stage2Strategy[] = ['partial_evidence', 'irrelevance'];
export const STAGE2_TASK_TYPES = ['temporal_order', 'cross_scene_association', 'visual_semantic', 'detail', 'counting'] as const;
export type VideoSkipReason = 'too_short' | 'too_few_scenes' | 'caption_unavailable';

export interface Stage2VideoReport {
  videoId: string;
  videoName: string;
  scenes: number;
  produced: number;
  /** Scenes captioned in this run (0 when every caption was given). */
  captioned: number;
  skipped: VideoSkipReason | null;
  /** Wall time of this video's captioning, and the sum of its query attempts' wall times. */
  captionMs: number;
  queryMs: number;
}

export interface Stage2Report {
  requested: number;
  produced: number;
  attempted: number;
  /** True when every video was retired (or asked its maximum) before `count` triples were kept. */
  exhausted: boolean;
  partialEvidenceShare: number;
  byTaskType: Record<string, number>;
  byStrategy: Record<Stage2Strategy, number>;
  discarded: Record<Stage2DiscardReason, number>;
  /** Irrelevance was drawn but every scene was cited, so partial evidence was used. */
  strategyFallbacks: number;
  skippedVideos: Record<VideoSkipReason, number>;
  firstGeneratorProblem: string | null;
  videos: Stage2VideoReport[];
  timingsMs: { total: number; captions: number; queries: number };
}

export interface Stage2Result {
  triples: Triple[];
  report: Stage2Report;
  /** Every caption the run used, by video id (given ones and the ones it wrote). */
  captions: Record<string, SceneCaptionRecord[]>;
}

function throwIfAborted(signal?: CancelSignal): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  const error = new Error('Stage 2 synthesis was cancelled.');
  error.name = 'AbortError';
  throw error;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

type Outcome = { kind: 'discarded'; reason: Stage2DiscardReason; key?: string; problem?: string } | { kind: 'kept'; key: string; draft: Stage2Draft };

interface Job {
  video: Stage2Video;
  captions: SceneCaptionRecord[];
  report: Stage2VideoReport;
  misses: number;
}

/**
 * The degraded context of y−: a strict non-empty subset of the cited scenes (partial evidence), or
 * as many uncited scenes as were cited, drawn at random (irrelevance). Irrelevance takes no more
 * scenes than chosen saw, so y+ and y− answer from contexts of the same size, and a video of a
 * hundred scenes does not send ninety-eight of them to an endpoint.
 */
export function degradedContext(relevant: readonly number[], sceneCount: number, strategy: Stage2Strategy, rng: ReturnType<typeof mulberry32>): number[] {
  if (strategy === 'irrelevance') {
    const uncited = Array.from({ length: sceneCount }, (_, k) => k).filter((k) => !relevant.includes(k));
    return rng.shuffle(uncited).slice(0, relevant.length).sort((a, b) => a - b);
  }
  const size = rng.int(1, relevant.length - 1);
  return rng.shuffle([...relevant]).slice(0, size).sort((a, b) => a - b);
}

async function attempt(job: Job, variant: number, generator: Generator, settings: Stage2Settings, keptKeys: ReadonlySet<string>, signal?: CancelSignal): Promise<Outcome & { fallback?: boolean }> {
  const { video, captions } = job;
  const refs = video.scenes.map(sceneRef);
  const guard = async <T>(call: () => Promise<T>): Promise<T | Outcome> => {
    try {
      return await call();
    } catch (e) {
      if (e instanceof GeneratorUnavailableError) return { kind: 'discarded', reason: 'generator_unavailable', problem: e.message };
      if (e instanceof GeneratorReplyError) return { kind: 'discarded', reason: 'unparseable', problem: e.message };
      throw e;
    }
  };
  const isOutcome = (x: unknown): x is Outcome => typeof x === 'object' && x !== null && 'kind' in x;
  const query = await guard<Generated<CrossSceneQuery>>(() => generator.crossSceneQuery({ video: refs, captions: captions.map((c, index) => ({ index, caption: c.text })), variant }, signal));
  if (isOutcome(query)) return query;
  const key = `${video.videoId}\u241f${normalizeText(query.value.question)}`;
  if (keptKeys.has(key)) return { kind: 'discarded', reason: 'duplicate', key };
  // The relevance chain is what the reasoning cites, not what the generator claims to cite.
  const chain = relevanceChain(query.value.reasoning, video.scenes.length);
  if (!chain.ok) return { kind: 'discarded', reason: chain.problem, key, problem: chain.detail };
  const relevant = chain.scenes;
  const answerFrom = (scenes: readonly number[]) =>
    guard(() => generator.answer({ question: query.value.question, clips: scenes.map((k) => refs[k]!), captions: scenes.map((k) => captions[k]!.text), sceneNumbers: scenes.map((k) => k + 1) }, signal));
  const chosen = await answerFrom(relevant);
  if (isOutcome(chosen)) return { ...chosen, key };
  const rng = mulberry32(seedFrom('stage2-strategy', settings.seed, video.videoId, variant));
  let strategy: Stage2Strategy = rng.next() < settings.partialShare ? 'partial_evidence' : 'irrelevance';
  const fallback = strategy === 'irrelevance' && relevant.length === video.scenes.length;
  if (fallback) strategy = 'partial_evidence';
  const context = degradedContext(relevant, video.scenes.length, strategy, rng);
  const rejected = await answerFrom(context);
  if (isOutcome(rejected)) return { ...rejected, key };
  if (normalizeText(rejected.value) === normalizeText(chosen.value)) return { kind: 'discarded', reason: 'rejected_equals_chosen', key };
  return { kind: 'kept', key, draft: { video, captions, query, relevant, chosen, strategy, context, rejected }, fallback };
}

/**
 * Synthesizes up to `params.count` Stage 2 triples from the long videos. Captions missing (or
 * stale) are written first, recursively; then every video is asked for query variant 0, 1, 2, …
 * in turn until enough triples are kept or every video is retired.
 */
export async function synthesizeStage2(videos: readonly Stage2Video[], generator: Generator, params: Stage2Params): Promise<Stage2Result> {
  const started = Date.now();
  // Ids follow how the generator writes y− (docs/stage2.md, "Guessed y−").
  const settings = resolveStage2Settings(params, generator.degraded);
  checkVideos(videos);
  const { signal } = params;
  const skipped: Record<VideoSkipReason, number> = { too_short: 0, too_few_scenes: 0, caption_unavailable: 0 };
  const discarded = Object.fromEntries(STAGE2_DISCARD_REASONS.map((r) => [r, 0])) as Record<Stage2DiscardReason, number>;
  const byTaskType: Record<string, number> = {};
  const byStrategy: Record<Stage2Strategy, number> = { partial_evidence: 0, irrelevance: 0 };
  let firstProblem: string | null = null;
  let attempted = 0;
  let fallbacks = 0;
  const reports: Stage2VideoReport[] = videos.map((v) => ({ videoId: v.videoId, videoName: v.videoName, scenes: v.scenes.length, produced: 0, captioned: 0, skipped: null, captionMs: 0, queryMs: 0 }));

  // 1. Recursive captions, video by video (videos in parallel; scenes of one video in order).
  const eligible = videos.flatMap((video, i) => {
    const report = reports[i] as Stage2VideoReport;
    if (video.durationS < settings.minVideoS) report.skipped = 'too_short';
    else if (video.scenes.length < 2) report.skipped = 'too_few_scenes';
    if (report.skipped) skipped[report.skipped]++;
    return report.skipped ? [] : [{ video, report }];
  });
  const toCaption = eligible.reduce((n, { video }) => n + video.scenes.length - firstToCaption(video.scenes, video.captions), 0);
  let captionedSoFar = 0;
  const progress = (phase: 'caption' | 'query', done: number, total: number): void =>
    params.onProgress?.({ phase, done, total, attempted, discarded: STAGE2_DISCARD_REASONS.reduce((s, r) => s + discarded[r], 0) });
  progress('caption', 0, toCaption);
  const t0 = Date.now();
  const captioned = await mapLimit(eligible, settings.concurrency, async ({ video, report }) => {
    const t = Date.now();
    try {
      const captions = await captionScenes(video.scenes, generator, {
        ...(video.captions && { captions: video.captions }),
        ...(signal && { signal }),
        onCaption: () => {
          report.captioned++;
          progress('caption', ++captionedSoFar, toCaption);
        },
      });
      return { video, report, captions };
    } catch (e) {
      if (!(e instanceof GeneratorUnavailableError)) throw e;
      return { video, report, captions: undefined, problem: e.message };
    } finally {
      report.captionMs = Date.now() - t;
    }
  });
  const captionsMs = Date.now() - t0;
  throwIfAborted(signal);
  const jobs: Job[] = [];
  const captionsByVideo: Record<string, SceneCaptionRecord[]> = {};
  for (const c of captioned) {
    if (!c.captions) {
      c.report.skipped = 'caption_unavailable';
      skipped.caption_unavailable++;
      firstProblem ??= c.problem ?? null;
      continue;
    }
    captionsByVideo[c.video.videoId] = c.captions;
    jobs.push({ video: c.video, captions: c.captions, report: c.report, misses: 0 });
  }

  // 2. Queries, round-robin over the videos: variant v of every active video, committed in order.
  const triples: Triple[] = [];
  const keptKeys = new Set<string>();
  const t1 = Date.now();
  let active = jobs;
  progress('query', 0, settings.count);
  for (let variant = 0; variant < settings.maxQueries && active.length > 0 && triples.length < settings.count; variant++) {
    throwIfAborted(signal);
    const outcomes = await mapLimit(active, settings.concurrency, async (job) => {
      const t = Date.now();
      const outcome = await attempt(job, variant, generator, settings, keptKeys, signal);
      job.report.queryMs += Date.now() - t;
      return outcome;
    });
    throwIfAborted(signal);
    outcomes.forEach((outcome, i) => {
      if (triples.length >= settings.count) return;
      const job = active[i] as Job;
      attempted++;
      if (outcome.kind === 'discarded' && outcome.problem !== undefined) firstProblem ??= outcome.problem;
      const duplicate = outcome.key !== undefined && keptKeys.has(outcome.key);
      if (duplicate || (outcome.kind === 'discarded' && (outcome.reason === 'duplicate' || outcome.reason === 'generator_unavailable'))) {
        discarded[duplicate ? 'duplicate' : (outcome as { reason: Stage2DiscardReason }).reason]++;
        job.misses++;
        return;
      }
      if (outcome.kind === 'discarded') {
        discarded[outcome.reason]++;
        return;
      }
      job.misses = 0;
      keptKeys.add(outcome.key);
      if (outcome.fallback) fallbacks++;
      const triple = buildStage2Triple(settings, outcome.draft);
      triples.push(triple);
      job.report.produced++;
      byTaskType[triple.task_type] = (byTaskType[triple.task_type] ?? 0) + 1;
      byStrategy[outcome.draft.strategy]++;
    });
    active = active.filter((job) => job.misses < settings.patience);
    progress('query', triples.length, settings.count);
  }

  return {
    triples,
    captions: captionsByVideo,
    report: {
      requested: settings.count,
      produced: triples.length,
      attempted,
      exhausted: triples.length < settings.count,
      partialEvidenceShare: settings.partialShare,
      byTaskType: Object.fromEntries(Object.keys(byTaskType).sort().map((k) => [k, byTaskType[k] as number])),
      byStrategy,
      discarded,
      strategyFallbacks: fallbacks,
      skippedVideos: skipped,
      firstGeneratorProblem: firstProblem,
      videos: reports,
      timingsMs: { total: Date.now() - started, captions: captionsMs, queries: Date.now() - t1 },
    },
  };
}
