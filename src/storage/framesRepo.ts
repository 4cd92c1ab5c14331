// Sampled frames of a video: keys sort by frame index within (video, sampling).
import type { StudioDatabase } from './db';
import type { EmbeddingRecord, FrameRecord } from './schema';

export function frameKey(videoId: string, samplingKey: string, index: number): string {
  // Zero-padded so that key order is frame order (IndexedDB compares strings).
  return `${videoId}|${samplingKey}|${String(index).padStart(7, '0')}`;
}

function range(videoId: string, samplingKey: string): IDBKeyRange {
  return IDBKeyRange.bound(`${videoId}|${samplingKey}|`, `${videoId}|${samplingKey}|\uffff`);
}

/** How many frames from index 0 on are stored without a gap (where an import may resume). */
export async function storedPrefix(db: StudioDatabase, videoId: string, samplingKey: string): Promise<number> {
  const keys = await db.getAllKeys('frames', range(videoId, samplingKey));
  let n = 0;
  while (n < keys.length && keys[n] === frameKey(videoId, samplingKey, n)) n++;
  return n;
}

export function embeddingKey(contentHash: string, samplingKey: string, modelId: string, frameStart: number): string {
  return `${contentHash}|${samplingKey}|${modelId}|${String(frameStart).padStart(7, '0')}`;
}

/** Frames and their embedding chunk in one transaction: both are stored, or neither. */
export async function putFrames(db: StudioDatabase, frames: FrameRecord[], embeddings?: EmbeddingRecord): Promise<void> {
  const tx = db.transaction(['frames', 'embeddings'], 'readwrite');
  const writes: Promise<unknown>[] = frames.map((f) => tx.objectStore('frames').put(f));
  if (embeddings) writes.push(tx.objectStore('embeddings').put(embeddings));
  await Promise.all([...writes, tx.done]);
}

function embeddingRange(contentHash: string, samplingKey: string, modelId: string): IDBKeyRange {
  const prefix = `${contentHash}|${samplingKey}|${modelId}|`;
  return IDBKeyRange.bound(prefix, `${prefix}\uffff`);
}

/**
 * How many frames from index 0 on have embeddings for this sampling and model. Chunks are written
 * in frame order, at most `maxChunk` frames each; fewer keys than that allows means a gap, and
 * then nothing is trusted (0).
 */
export async function embeddedPrefix(db: StudioDatabase, contentHash: string, samplingKey: string, modelId: string, maxChunk: number): Promise<number> {
  const keys = await db.getAllKeys('embeddings', embeddingRange(contentHash, samplingKey, modelId));
  const last = keys.length > 0 ? await db.get('embeddings', keys[keys.length - 1] as string) : undefined;
  if (!last) return 0;
  const end = last.frameStart + last.count;
  return keys.length * maxChunk >= end ? end : 0;
}

/**
 * The stored embedding chunks of a video in frame order, `pageSize` records per read, so a 2-hour
 * video (7,200 frames × 1792 floats = 52 MB) is never held at once. Each page is its own read:
 * callers may await other work between pages.
 */
export async function* embeddingPages(db: StudioDatabase, contentHash: string, samplingKey: string, modelId: string, pageSize = 64): AsyncGenerator<EmbeddingRecord[]> {
  const whole = embeddingRange(contentHash, samplingKey, modelId);
  let after: string | null = null;
  for (;;) {
    const range: IDBKeyRange = after === null ? whole : IDBKeyRange.bound(after, whole.upper as string, true, false);
    const page = await db.getAll('embeddings', range, pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]?.key ?? null;
    if (page.length < pageSize) return;
  }
}

/** All stored embeddings of a video for a sampling and model, in frame order: [count, dim]. */
export async function getEmbeddings(db: StudioDatabase, contentHash: string, samplingKey: string, modelId: string): Promise<{ count: number; dim: number; vectors: Float32Array }> {
  const chunks = await db.getAll('embeddings', embeddingRange(contentHash, samplingKey, modelId));
  const dim = chunks[0]?.dim ?? 0;
  // Chunks of an earlier, differently batched run may overlap: later ones overwrite (same frames).
  const count = chunks.reduce((n, c) => Math.max(n, c.frameStart + c.count), 0);
  const vectors = new Float32Array(count * dim);
  for (const c of chunks) vectors.set(c.vectors, c.frameStart * dim);
  return { count, dim, vectors };
}

export async function getFrames(db: StudioDatabase, videoId: string, samplingKey: string): Promise<FrameRecord[]> {
  return db.getAll('frames', range(videoId, samplingKey));
}

export async function deleteVideoData(db: StudioDatabase, videoId: string): Promise<void> {
  const tx = db.transaction(['videos', 'frames', 'embeddings', 'clips'], 'readwrite');
  const byVideo = async (store: 'frames' | 'embeddings' | 'clips') => {
    for (const key of await tx.objectStore(store).index('byVideo').getAllKeys(videoId)) await tx.objectStore(store).delete(key);
  };
  await Promise.all([tx.objectStore('videos').delete(videoId), byVideo('frames'), byVideo('embeddings'), byVideo('clips'), tx.done]);
}
