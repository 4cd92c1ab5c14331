// Synthesis in the compute worker (issue #5): Stage 1 triples from the library's clips, with the
// similarities as tensor ops on the active backend and the generator built from the stored
// settings. The batch is stored in one transaction, so a run is kept whole or not at all.
// Triple files are parsed, validated and serialised here too, so the UI stays responsive.
// Must: cancel stops the run and stores nothing; the API key never leaves the generator.
import { UserFacingError } from '../core/errors';
import { SFT_CLIP_SEED, SFT_SHARE, sftReservedClips } from '../core/train/sftSynthesis';
import type { ClipRef } from '../core/generators/types';
import { STAGE1_DEFAULTS, synthesizeStage1, type Stage1Report, type SynthClip } from '../core/synthesis/stage1';
import type { ImportIssue } from '../core/jsonRecords';
import { reviewedForExport, type ExportSelection } from '../core/review/decisions';
import { longvpoJsonlChunks, ROWS_PER_CHUNK, studioJsonlChunks, trlJsonlChunks } from '../core/triples/exports';
import { parseTriples, type TripleFileFormat } from '../core/triples/import';
import { TensorSimilaritySource } from '../ml/similaritySource';
import { studioDb, type StudioDatabase } from '../storage/db';
import type { ClipRecord, VideoRecord } from '../storage/schema';
import type { Stage1Form } from '../storage/settingsRepo';
import { frameKey } from '../storage/framesRepo';
import { getReviews } from '../storage/reviewsRepo';
import { listTriples, putTriples } from '../storage/triplesRepo';
import { buildActiveGenerator } from './generatorFactory';
import type { HandlerContext } from './rpc';

/** The Synthesize form's parameters, plus the embedder whose clip embeddings to use (the pipeline's current one). */
/** `videoIds`: compose from these videos' clips only (anchors and distractors; Reproduce synthesizes each demo world apart). */
export type Stage1Request = Stage1Form & { modelId: string; videoIds?: string[] };

export interface Stage1Response {
  report: Stage1Report;
  /** Triples newly stored (a re-run of the same seed stores nothing twice). */
  added: number;
  kept: number;
  clips: number;
  /** Frames each clip gives the composite: min(requested, the median clip's frames). */
  framesPerClip: number;
  generator: string;
  /** A few of the new triples, for the preview. */
  ids: string[];
}

export type TripleExportFormat = 'studio' | 'trl' | 'longvpo';

/** Result of importing one triples file: stored whole, or nothing stored and every problem listed. */
export type TripleFileImport =
  | { ok: true; format: TripleFileFormat; added: number; kept: number; warnings: ImportIssue[] }
  | { ok: false; errors: ImportIssue[]; moreErrors: number };

export type SynthProtocol = {
  /** Synthesizes Stage 1 triples from every stored clip of `modelId`, and stores them. */
  'synth.stage1': { req: Stage1Request; res: Stage1Response };
  /** Parses and validates a triples file off the UI thread, then stores it in one transaction. */
  'triples.import': { req: { file: Blob; name: string }; res: TripleFileImport };
  /**
   * The stored triples in `format` as JSONL (null when none is selected). `selection: 'accepted'`
   * (the Review page's default) keeps only accepted and edited triples, edits applied; absent or
   * 'all' exports every stored triple (as reviewed edits leave them).
   */
  'triples.export': { req: { format: TripleExportFormat; selection?: ExportSelection }; res: { blob: Blob; count: number } | null };
};

async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${blob.type || 'image/jpeg'};base64,${btoa(binary)}`;
}

/** The clip's stored thumbnails as data URLs (only vision roles of an endpoint call this). */
export function frameLoader(db: StudioDatabase, clip: ClipRecord, video: VideoRecord): () => Promise<string[]> {
  return async () => {
    const keys: string[] = [];
    for (let i = clip.frameStart; i < clip.frameEnd; i++) keys.push(frameKey(video.id, video.samplingKey ?? '', i));
    const frames = await Promise.all(keys.map((k) => db.get('frames', k)));
    return Promise.all(frames.filter((f) => f !== undefined).map((f) => blobToDataUrl(f.thumbnail)));
  };
}

export async function loadSynthClips(db: StudioDatabase, modelId: string): Promise<{ clips: SynthClip[]; embeddings: Float32Array[] }> {
  const videos = new Map((await db.getAll('videos')).map((v) => [v.id, v]));
  const records = (await db.getAll('clips'))
    .filter((c) => c.kind === 'clip' && c.modelId === modelId && videos.has(c.videoId))
    .sort((a, b) => (a.videoId < b.videoId ? -1 : a.videoId > b.videoId ? 1 : a.frameStart - b.frameStart));
  const clips: SynthClip[] = [];
  const embeddings: Float32Array[] = [];
  for (const c of records) {
    const video = videos.get(c.videoId)!;
    const ref: ClipRef = { id: c.id, videoId: c.videoId, videoName: video.name, startS: c.startS, endS: c.endS, loadFrames: frameLoader(db, c, video) };
    clips.push({ ...ref, frameCount: c.frameCount, ...(c.caption ? { caption: c.caption } : {}) });
    embeddings.push(c.embedding);
  }
  return { clips, embeddings };
}

function medianFrames(clips: readonly SynthClip[]): number {
  const sorted = clips.map((c) => c.frameCount).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 1;
}

/** `wanted` when its clips are stored; otherwise the embedder with the most clips (a library imported before the embedder changed). */
async function synthModel(db: StudioDatabase, wanted: string): Promise<string> {
  const byModel = new Map<string, number>();
  for (const c of await db.getAll('clips')) if (c.kind === 'clip') byModel.set(c.modelId, (byModel.get(c.modelId) ?? 0) + 1);
  if ((byModel.get(wanted) ?? 0) >= 2) return wanted;
  return [...byModel.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? wanted;
}

async function stage1(req: Stage1Request, { signal, progress }: HandlerContext): Promise<Stage1Response> {
  const db = await studioDb();
  const generator = await buildActiveGenerator(db);
  const modelId = await synthModel(db, req.modelId);
  const library = await loadSynthClips(db, modelId);
  // Half the library's clips are kept for single-clip SFT and never anchor a triple (docs/training.md),
  // drawn over the whole library so that a run on some videos keeps the same clips for SFT.
  const excludedAnchors = sftReservedClips(library.clips, SFT_CLIP_SEED, SFT_SHARE);
  const only = req.videoIds ? new Set(req.videoIds) : null;
  const kept = library.clips.flatMap((c, i) => (!only || only.has(c.videoId) ? [i] : []));
  const clips = kept.map((i) => library.clips[i] as SynthClip);
  const embeddings = kept.map((i) => library.embeddings[i] as Float32Array);
  // A run scoped to some videos (a study's world) says so, not "the library has".
  const where = only ? `the ${only.size} video(s) this run covers have` : 'the library has';
  if (clips.length < 2) {
    throw new UserFacingError(
      `Stage 1 needs clips of at least two videos embedded with ${modelId}; ${where} ${clips.length}.`,
      'Import videos (or run the demo) in the Library and let them finish, then synthesize again.',
    );
  }
  // A clip gives min(framesPerClip, its frames) frames; composites are sized by the typical clip so
  // that they fill the frame budget (8-s clips at 1 fps: 256 frames → 32 clips), see docs/stage1.md.
  const framesPerClip = Math.max(1, Math.min(req.framesPerClip, medianFrames(clips)));
  const slots = Math.floor(req.frameBudget / framesPerClip);
  if (clips.length < slots) {
    throw new UserFacingError(
      `A ${req.frameBudget}-frame composite of ${framesPerClip}-frame clips needs ${slots} clips (the anchor and ${slots - 1} distractors), but ${where} ${clips.length}.`,
      `Lower the frame budget in Synthesize → Stage 1 (${Math.max(2, clips.length) * framesPerClip} frames fit), or import more videos (the full demo world has about 290 clips).`,
    );
  }
  const similarity = TensorSimilaritySource.fromRows(embeddings);
  try {
    const { triples, report } = await synthesizeStage1(clips, similarity, generator, {
      seed: req.seed,
      count: req.count,
      embedder: modelId,
      frameBudget: req.frameBudget,
      framesPerClip,
      similarityThreshold: req.similarityThreshold,
      specificityFilter: req.specificityFilter,
      excludedAnchors,
      concurrency: generator.kind === 'endpoint' ? STAGE1_DEFAULTS.concurrency : 1,
      now: new Date().toISOString(),
      signal,
      onProgress: (p) => progress({ done: p.produced, total: p.requested, label: `triples (${p.attempted} tried, ${p.discarded} discarded)` }),
    });
    signal.throwIfAborted();
    const { added, kept } = await putTriples(db, triples);
    return { report, added, kept, clips: clips.length, framesPerClip, generator: generator.label, ids: triples.slice(0, 50).map((t) => t.id) };
  } finally {
    similarity.dispose();
  }
}

async function importFile({ file, name }: { file: Blob; name: string }, { signal, progress }: HandlerContext): Promise<TripleFileImport> {
  progress({ done: 0, total: 2, label: `reading ${name}` });
  const text = await file.text();
  signal.throwIfAborted();
  progress({ done: 1, total: 2, label: `validating ${name}` });
  const parsed = parseTriples(text, { sourceName: name });
  if (!parsed.ok) return { ok: false, errors: parsed.errors, moreErrors: parsed.moreErrors };
  signal.throwIfAborted();
  const { added, kept } = await putTriples(await studioDb(), parsed.triples);
  progress({ done: 2, total: 2, label: `stored ${name}` });
  return { ok: true, format: parsed.format, added, kept, warnings: parsed.warnings };
}

async function exportAll({ format, selection = 'all' }: { format: TripleExportFormat; selection?: ExportSelection }, { signal, progress }: HandlerContext): Promise<{ blob: Blob; count: number } | null> {
  const db = await studioDb();
  const triples = reviewedForExport(await listTriples(db), await getReviews(db), selection);
  if (triples.length === 0) return null;
  const chunks = format === 'trl' ? trlJsonlChunks(triples) : format === 'longvpo' ? longvpoJsonlChunks(triples) : studioJsonlChunks(triples);
  // One progress event per chunk of ROWS_PER_CHUNK rows; Cancel stops between chunks. Each chunk
  // yields to the event loop: the abort arrives as a message, which a synchronous loop never reads.
  const parts: string[] = [];
  for (const chunk of chunks) {
    signal.throwIfAborted();
    parts.push(chunk);
    progress({ done: Math.min(triples.length, parts.length * ROWS_PER_CHUNK), total: triples.length, label: 'rows written' });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  signal.throwIfAborted();
  return { blob: new Blob(parts, { type: 'application/jsonl' }), count: triples.length };
}

export function createSynthHandlers() {
  return { 'synth.stage1': stage1, 'triples.import': importFile, 'triples.export': exportAll };
}
