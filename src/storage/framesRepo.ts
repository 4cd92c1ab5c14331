// Sampled frames of a video: keys sort by frame index within (video, sampling).
import type { StudioDatabase } from './db';
import type { FrameRecord } from './schema';

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

export async function putFrames(db: StudioDatabase, frames: FrameRecord[]): Promise<void> {
  const tx = db.transaction('frames', 'readwrite');
  await Promise.all([...frames.map((f) => tx.store.put(f)), tx.done]);
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
