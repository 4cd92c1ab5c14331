// Clips, scenes and nearest clips, computed in the compute worker from stored embeddings.
import { detectScenes, fixedClips, spanEmbedding, type FrameSpan } from '../core/clips';
import { consecutiveDistances, cosineMatrix } from '../ml/similarity';
import { studioDb } from '../storage/db';
import { getEmbeddings } from '../storage/framesRepo';
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
  'video.segment': { req: { videoId: string; contentHash: string; samplingKey: string; modelId: string; fps: number; settings: SegmentSettings }; res: { clips: number; scenes: number } };
  /** The k clips (kind 'clip', any video) most similar to `clipId`, best first. */
  'clips.neighbours': { req: { clipId: string; k: number }; res: Neighbour[] };
};

function clipId(videoId: string, kind: ClipRecord['kind'], span: FrameSpan): string {
  return `${videoId}|${kind}|${String(span.frameStart).padStart(7, '0')}`;
}

async function segment({ videoId, contentHash, samplingKey, modelId, fps, settings }: ClipProtocol['video.segment']['req']) {
  const db = await studioDb();
  const { count, dim, vectors } = await getEmbeddings(db, contentHash, samplingKey, modelId);
  if (count === 0) return { clips: 0, scenes: 0 };
  const clips = fixedClips(count, fps, settings.clipS);
  const scenes = detectScenes(await consecutiveDistances(vectors, dim), fps, { threshold: settings.sceneThreshold, minSceneS: settings.minSceneS });
  const records = (kind: ClipRecord['kind'], spans: FrameSpan[]): ClipRecord[] =>
    spans.map((span) => ({ id: clipId(videoId, kind, span), videoId, kind, ...span, frameCount: span.frameEnd - span.frameStart, embedding: spanEmbedding(vectors, dim, span), modelId }));
  const tx = db.transaction('clips', 'readwrite');
  const old = await tx.store.index('byVideo').getAllKeys(videoId);
  await Promise.all([...old.map((k) => tx.store.delete(k)), ...[...records('clip', clips), ...records('scene', scenes)].map((r) => tx.store.put(r)), tx.done]);
  return { clips: clips.length, scenes: scenes.length };
}

async function neighbours({ clipId: id, k }: ClipProtocol['clips.neighbours']['req'], { signal }: HandlerContext): Promise<Neighbour[]> {
  const db = await studioDb();
  const query = await db.get('clips', id);
  if (!query) throw new Error(`clip ${id} is not stored`);
  const candidates = (await db.getAll('clips')).filter((c) => c.kind === 'clip' && c.modelId === query.modelId && c.id !== id);
  signal.throwIfAborted();
  if (candidates.length === 0) return [];
  const dim = query.embedding.length;
  const matrix = new Float32Array(candidates.length * dim);
  candidates.forEach((c, i) => matrix.set(c.embedding, i * dim));
  // One row of cosines as a tensor op; choosing the best k of one row in JS is O(n log n).
  const scores = await cosineMatrix(query.embedding, matrix, dim);
  return candidates
    .map((c, i) => ({ clipId: c.id, videoId: c.videoId, startS: c.startS, endS: c.endS, score: scores[i] ?? Number.NaN }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

export function createClipHandlers() {
  return { 'video.segment': segment, 'clips.neighbours': neighbours };
}
