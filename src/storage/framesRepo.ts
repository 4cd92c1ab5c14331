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

/** All stored embeddings of a video for a sampling and model, in frame order: [count, dim]. */
export async function getEmbeddings(db: StudioDatabase, contentHash: string, samplingKey: string, modelId: string): Promise<{ count: number; dim: number; vectors: Float32Array }> {
  const prefix = `${contentHash}|${samplingKey}|${modelId}|`;
  const chunks = await db.getAll('embeddings', IDBKeyRange.bound(prefix, `${prefix}\uffff`));
  const dim = chunks[0]?.dim ?? 0;
  const count = chunks.reduce((n, c) => n + c.count, 0);
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
