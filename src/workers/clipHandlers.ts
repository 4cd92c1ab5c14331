// Clips, scenes and nearest clips, computed in the compute worker from stored embeddings.
import { columnsOf, detectScenes, fixedClips, SpanMeans, type FrameSpan } from '../core/clips';
import { sceneViewOf } from '../core/pipeline';
import { consecutiveDistances, cosineMatrix } from '../ml/similarity';
import { replaceVideoSpans } from '../storage/scenesRepo';
import { studioDb } from '../storage/db';
import type { StudioDatabase } from '../storage/db';
import { embeddingPages } from '../storage/framesRepo';
import type { ClipRecord } from '../storage/schema';
import type { HandlerContext } from './rpc';

export interface SegmentSettings {
  /** Fixed clip length, seconds (LongVPO anchors: up to 64 frames at 1 fps). */
  clipS: number;
  /** Scene cut when consecutive frames' cosine distance (1 − cos) reaches this. */
  sceneThreshold: number;
  minSceneS: number;
}

export interface Neighbour {
  clipId: string;
  videoId: string;
  startS: number;
  endS: number;
  score: number;
}

export type ClipProtocol = {
  /** Fixed clips and detected scenes of one video, from its stored embeddings; replaces old ones. */
  'video.segment': { req: { videoId: string; contentHash: string; samplingKey: string; modelId: string; fps: number; settings: SegmentSettings }; res: { clips: number; scenes: number; /** Stage 2 triples removed because the video's scenes changed (`replaceVideoSpans`). */ stage2Removed: number } };
  /** The k clips (kind 'clip', any video) most similar to `clipId`, best first. */
  'clips.neighbours': { req: { clipId: string; k: number }; res: Neighbour[] };
  /** Clips changed outside the worker (a video was deleted): drop the cached clip matrix. */
  'clips.invalidate': { req: null; res: null };
};

function clipId(videoId: string, kind: ClipRecord['kind'], span: FrameSpan): string {
  return `${videoId}|${kind}|${String(span.frameStart).padStart(7, '0')}`;
}

/**
 * Frame embeddings of a video as windows of consecutive frames [frameStart, frameStart + rows),
 * read page by page. Chunks of an earlier, differently batched run may overlap: rows already
 * delivered are skipped.
 */
export async function* frameWindows(db: StudioDatabase, contentHash: string, samplingKey: string, modelId: string): AsyncGenerator<{ frameStart: number; vectors: Float32Array; dim: number }> {
  let next = 0;
  for await (const page of embeddingPages(db, contentHash, samplingKey, modelId)) {
    // One window per page (up to 64 chunks of 8 frames): few, large tensor ops.
    const frameStart = next;
    const parts: Float32Array[] = [];
    for (const chunk of page) {
      const skip = Math.max(0, next - chunk.frameStart);
      if (skip >= chunk.count) continue;
      if (chunk.frameStart > next) throw new Error(`embeddings of frames ${next}–${chunk.frameStart - 1} are missing; import the video again`);
      parts.push(chunk.vectors.subarray(skip * chunk.dim));
      next = chunk.frameStart + chunk.count;
    }
    const dim = page[0]?.dim ?? 0;
    if (parts.length === 0 || dim === 0) continue;
    const vectors = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (vectors.set(p, offset), offset + p.length), 0);
    yield { frameStart, vectors, dim };
  }
}

/**
 * Two streamed passes over the stored embeddings, so memory does not grow with the video's length
 * (a 2-hour video has 52 MB of them): consecutive-frame distances (tensor op per window), then the
 * mean embedding of every clip and scene.
 */
async function segment({ videoId, contentHash, samplingKey, modelId, fps, settings }: ClipProtocol['video.segment']['req']) {
  const db = await studioDb();
  const distances: number[] = [];
  let previous: Float32Array | null = null;
  let dim = 0;
  // The part of each frame's vector the cut compares (object tokens: the background's histogram).
  const view = sceneViewOf(modelId);
  for await (const w of frameWindows(db, contentHash, samplingKey, modelId)) {
    dim = w.dim;
    // Prepend the previous window's last frame so the distance across the seam is counted.
    const rows = previous ? new Float32Array(previous.length + w.vectors.length) : w.vectors;
    if (previous) {
      rows.set(previous);
      rows.set(w.vectors, previous.length);
    }
    const cut = columnsOf(rows, dim, view);
    for (const d of await consecutiveDistances(cut.values, cut.dim)) distances.push(d);
    previous = w.vectors.slice(w.vectors.length - dim);
  }
  const count = previous ? distances.length + 1 : 0;
  if (count === 0) return { clips: 0, scenes: 0, stage2Removed: 0 };
  const clips = fixedClips(count, fps, settings.clipS);
  const scenes = detectScenes(distances, fps, { threshold: settings.sceneThreshold, minSceneS: settings.minSceneS });
  const means = new SpanMeans([...clips, ...scenes], dim);
  for await (const w of frameWindows(db, contentHash, samplingKey, modelId)) means.add(w.frameStart, w.vectors);
  const embeddings = means.result();
  const records = [...clips.map((span) => ['clip', span] as const), ...scenes.map((span) => ['scene', span] as const)].map(
    ([kind, span], i): ClipRecord => ({ id: clipId(videoId, kind, span), videoId, kind, ...span, frameCount: span.frameEnd - span.frameStart, embedding: embeddings[i] ?? new Float32Array(dim), modelId }),
  );
  const { stage2Removed } = await replaceVideoSpans(db, [{ videoId, records }]);
  return { clips: clips.length, scenes: scenes.length, stage2Removed };
}

/**
 * Clip embeddings of one model as one matrix, kept between clicks (a library of 10,000 clips is
 * 72 MB to read). Dropped whenever clips change: `video.segment` here, `clips.invalidate` after a
 * video is deleted in the main thread.
 */
let clipCache: { modelId: string; clips: Omit<ClipRecord, 'embedding'>[]; matrix: Float32Array; dim: number } | null = null;

async function clipMatrix(modelId: string, dim: number) {
  if (clipCache?.modelId === modelId && clipCache.dim === dim) return clipCache;
  const db = await studioDb();
  const all = (await db.getAll('clips')).filter((c) => c.kind === 'clip' && c.modelId === modelId && c.embedding.length === dim);
  const matrix = new Float32Array(all.length * dim);
  all.forEach((c, i) => matrix.set(c.embedding, i * dim));
  clipCache = { modelId, dim, matrix, clips: all.map(({ embedding: _e, ...rest }) => rest) };
  return clipCache;
}

async function neighbours({ clipId: id, k }: ClipProtocol['clips.neighbours']['req'], { signal }: HandlerContext): Promise<Neighbour[]> {
  const db = await studioDb();
  const query = await db.get('clips', id);
  if (!query) throw new Error(`clip ${id} is not stored`);
  const dim = query.embedding.length;
  const { clips, matrix } = await clipMatrix(query.modelId, dim);
  signal.throwIfAborted();
  if (clips.length === 0) return [];
  // One row of cosines as a tensor op; choosing the best k of one row in JS is O(n log n).
  const scores = await cosineMatrix(query.embedding, matrix, dim);
  return clips
    .map((c, i) => ({ clipId: c.id, videoId: c.videoId, startS: c.startS, endS: c.endS, score: scores[i] ?? Number.NaN }))
    .filter((n) => n.clipId !== id)
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

export function createClipHandlers() {
  return {
    'video.segment': async (req: ClipProtocol['video.segment']['req']) => {
      clipCache = null;
      try {
        return await segment(req);
      } finally {
        clipCache = null;
      }
    },
    'clips.neighbours': neighbours,
    'clips.invalidate': async () => {
      clipCache = null;
      return null;
    },
  };
}
