// Stage 2 in the compute worker (issue #10): recursive scene captions and cross-scene triples from
// the library's detected scenes, with the generator built from the stored settings.
// Must: a cancelled captioning or synthesis stores nothing; a run's triples are stored in one
// transaction, and the captions it wrote in one transaction per video.
import { SpanMeans, type FrameSpan } from '../core/clips';
import { UserFacingError } from '../core/errors';
import type { ImportIssue } from '../core/jsonRecords';
import { parseSceneList } from '../core/sceneList';
import { captionScenes, STAGE2_DEFAULTS, synthesizeStage2, type SceneCaptionRecord, type Stage2Video } from '../core/synthesis/stage2';
import type { Stage2Report } from '../core/synthesis/stage2';
import type { DegradedAnswers } from '../core/world';
import { studioDb, type StudioDatabase } from '../storage/db';
import { clearStage2Recut, putSceneCaptions, replaceVideoSpans, sceneVideos, type StoredSceneVideo } from '../storage/scenesRepo';
import { putTriples } from '../storage/triplesRepo';
import { buildActiveGenerator } from './generatorFactory';
import type { ClipRecord } from '../storage/schema';
import { frameWindows } from './clipHandlers';
import type { HandlerContext } from './rpc';
import { frameLoader } from './synthHandlers';

export interface Stage2Request {
  seed: number;
  count: number;
  partialEvidenceShare: number;
  framesPerScene: number;
  minVideoS: number;
  /** How the demo-world oracle writes y− from a degraded context (absent: honest; docs/stage2.md, "Guessed y−"). */
  rejected?: DegradedAnswers;
  /** The pipeline's embedder: its scenes are used (or the embedder with the most scenes). */
  modelId: string;
}

export interface Stage2Response {
  report: Stage2Report;
  added: number;
  kept: number;
  generator: string;
  ids: string[];
}

export type Stage2Protocol = {
  /** Captions one video's scenes recursively from scene `from` (default: the first missing or stale one), and stores them. */
  'stage2.caption': { req: { modelId: string; videoId: string; from?: number }; res: { captioned: number; ms: number; generator: string } };
  /** Stage 2 triples from every long video's scenes (captioning what is missing first), stored. */
  'synth.stage2': { req: Stage2Request; res: Stage2Response };
  /**
   * Replaces the scenes of the videos a scene list names (with its captions, if any) by its spans,
   * their embeddings averaged from the stored frame embeddings; all or nothing.
   */
  'stage2.importScenes': { req: { file: Blob; name: string; modelId: string; samplingKey: string; fps: number }; res: SceneListImport };
};

export type SceneListImport = { ok: true; videos: number; scenes: number; captions: number; warnings: ImportIssue[]; /** Stage 2 triples removed because their video's scenes changed. */ stage2Removed: number } | { ok: false; errors: ImportIssue[]; moreErrors: number };

function stage2Video(db: StudioDatabase, { video, scenes }: StoredSceneVideo): Stage2Video {
  const durationS = video.durationS ?? Math.max(0, ...scenes.map((s) => s.endS));
  return {
    videoId: video.id,
    videoName: video.name,
    durationS,
    scenes: scenes.map((s) => ({ id: s.id, videoId: video.id, videoName: video.name, startS: s.startS, endS: s.endS, frameCount: s.frameCount, loadFrames: frameLoader(db, s, video) })),
    captions: scenes.map((s) => s.sceneCaption),
  };
}

async function caption({ modelId, videoId, from }: Stage2Protocol['stage2.caption']['req'], { signal, progress }: HandlerContext) {
  const db = await studioDb();
  const stored = (await sceneVideos(db, modelId)).find((v) => v.video.id === videoId);
  if (!stored) throw new UserFacingError('This video has no detected scenes.', 'Import it in the Library and let it finish (scenes are detected after sampling).');
  const generator = await buildActiveGenerator(db);
  const video = stage2Video(db, stored);
  const t0 = Date.now();
  let done = 0;
  const start = from ?? video.scenes.findIndex((_, k) => !video.captions?.[k] || video.captions[k]?.stale);
  const total = Math.max(0, video.scenes.length - (start < 0 ? video.scenes.length : start));
  progress({ done: 0, total, label: 'scenes captioned' });
  const captions: SceneCaptionRecord[] = await captionScenes(video.scenes, generator, {
    ...(video.captions && { captions: video.captions }),
    ...(from !== undefined && { from }),
    signal,
    onCaption: () => progress({ done: ++done, total, label: 'scenes captioned' }),
  });
  signal.throwIfAborted();
  await putSceneCaptions(db, stored.scenes.map((s) => s.id), captions);
  return { captioned: done, ms: Date.now() - t0, generator: generator.label };
}

async function synth(req: Stage2Request, { signal, progress }: HandlerContext): Promise<Stage2Response> {
  const db = await studioDb();
  const rejectedForm = req.rejected ?? 'honest';
  const generator = await buildActiveGenerator(db, { degraded: rejectedForm });
  if (rejectedForm === 'guess' && generator.kind !== 'oracle')
    throw new UserFacingError('Guessed rejected answers are written by the demo-world oracle; the active generator writes its own degraded-context answers.', 'Set Rejected answers back to honest, or choose the oracle in Settings → Generators.');
  const stored = await sceneVideos(db, req.modelId);
  const videos = stored.map((v) => stage2Video(db, v));
  const long = videos.filter((v) => v.durationS >= req.minVideoS && v.scenes.length >= 2);
  if (long.length === 0) {
    throw new UserFacingError(
      `Stage 2 needs a video of at least ${req.minVideoS} s with two or more scenes; the library has ${videos.length} video(s) with scenes, the longest ${Math.round(Math.max(0, ...videos.map((v) => v.durationS)))} s.`,
      'Import a long video (or run the demo), or lower "Shortest video" in Synthesize → Stage 2.',
    );
  }
  const { triples, report, captions } = await synthesizeStage2(long, generator, {
    seed: req.seed,
    count: req.count,
    partialEvidenceShare: req.partialEvidenceShare,
    framesPerScene: req.framesPerScene,
    minVideoS: req.minVideoS,
    concurrency: generator.kind === 'endpoint' ? STAGE2_DEFAULTS.concurrency : 1,
    now: new Date().toISOString(),
    signal,
    onProgress: (p) =>
      progress(p.phase === 'caption' ? { done: p.done, total: p.total, label: 'scenes captioned' } : { done: p.done, total: p.total, label: `Stage 2 triples (${p.attempted} queries, ${p.discarded} discarded)` }),
  });
  signal.throwIfAborted();
  for (const v of long) {
    const written = captions[v.videoId];
    if (written && written.some((c, k) => c !== v.captions?.[k])) await putSceneCaptions(db, v.scenes.map((s) => s.id), written);
  }
  const { added, kept } = await putTriples(db, triples);
  // Every video with scenes was considered (too short or single-scene ones are not Stage 2 material).
  await clearStage2Recut(db, new Set(videos.map((v) => v.videoName)));
  return { report, added, kept, generator: generator.label, ids: triples.slice(0, 50).map((t) => t.id) };
}

async function importScenes({ file, name, modelId, samplingKey, fps }: Stage2Protocol['stage2.importScenes']['req'], { signal, progress }: HandlerContext): Promise<SceneListImport> {
  const db = await studioDb();
  const library = (await db.getAll('videos')).filter((v) => v.samplingKey === samplingKey && (v.frameCount ?? 0) > 0);
  const known = library.map((v) => ({ id: v.id, name: v.name, durationS: v.durationS ?? (v.frameCount ?? 0) / fps }));
  const parsed = parseSceneList(await file.text(), { known, fps, sourceName: name });
  if (!parsed.ok) return parsed;
  const records: ClipRecord[] = [];
  for (const [i, v] of parsed.videos.entries()) {
    signal.throwIfAborted();
    progress({ done: i, total: parsed.videos.length, label: `scene embeddings of ${v.videoName}` });
    const video = library.find((x) => x.id === v.videoId)!;
    const frames = video.frameCount ?? 0;
    const spans: FrameSpan[] = v.scenes.map((s) => {
      const frameStart = Math.min(frames - 1, Math.max(0, Math.round(s.startS * fps)));
      const frameEnd = Math.max(frameStart + 1, Math.min(frames, Math.round(s.endS * fps)));
      return { frameStart, frameEnd, startS: s.startS, endS: s.endS };
    });
    const means = new SpanMeans(spans, video.embeddingDim ?? 0);
    let windows = 0;
    for await (const w of frameWindows(db, video.contentHash, samplingKey, modelId)) {
      means.add(w.frameStart, w.vectors);
      windows++;
    }
    if (windows === 0) throw new UserFacingError(`${v.videoName} has no stored embeddings of ${modelId}.`, 'Let its import finish in the Library (or re-sample it), then import the scene list again.');
    const embeddings = means.result();
    spans.forEach((span, k) => {
      const caption = v.captions?.[k];
      records.push({
        id: `${v.videoId}|scene|${String(span.frameStart).padStart(7, '0')}`,
        videoId: v.videoId,
        kind: 'scene',
        ...span,
        frameCount: span.frameEnd - span.frameStart,
        embedding: embeddings[k] as Float32Array,
        modelId,
        ...(caption && { sceneCaption: caption }),
      });
    });
  }
  signal.throwIfAborted();
  // One transaction: the named videos' old scenes out, the list's in (their fixed clips stay),
  // and the Stage 2 triples of those whose scenes changed.
  const { stage2Removed } = await replaceVideoSpans(db, parsed.videos.map((v) => ({ videoId: v.videoId, records: records.filter((r) => r.videoId === v.videoId) })), 'scene');
  return { ok: true, videos: parsed.videos.length, scenes: records.length, captions: records.filter((r) => r.sceneCaption).length, warnings: parsed.warnings, stage2Removed };
}

export function createStage2Handlers() {
  return { 'stage2.caption': caption, 'synth.stage2': synth, 'stage2.importScenes': importScenes };
}
