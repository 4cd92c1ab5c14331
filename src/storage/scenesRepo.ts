// Scenes of the library's videos for Stage 2 (issue #10): the detected scene records of one
// embedder, in time order, and their recursive captions (stored on the scene record).
//
// Must: captions of a video are written in one transaction (a cancelled or failed captioning run
// stores none of them). Must: an edit marks every later caption of that video stale.
import { editCaption } from '../core/synthesis/stage2Captions';
import type { SceneCaptionRecord } from '../core/synthesis/stage2Settings';
import type { StudioDatabase } from './db';
import type { ClipRecord, VideoRecord } from './schema';

export interface StoredSceneVideo {
  video: VideoRecord;
  /** Scene records of `modelId`, in time order. */
  scenes: ClipRecord[];
}

/** Every video with detected scenes of `modelId` (falling back to the embedder with the most scenes), in name order. */
export async function sceneVideos(db: StudioDatabase, modelId: string): Promise<StoredSceneVideo[]> {
  const all = (await db.getAll('clips')).filter((c) => c.kind === 'scene');
  const byModel = new Map<string, number>();
  for (const c of all) byModel.set(c.modelId, (byModel.get(c.modelId) ?? 0) + 1);
  const model = byModel.has(modelId) ? modelId : ([...byModel.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? modelId);
  const videos = new Map((await db.getAll('videos')).map((v) => [v.id, v]));
  const grouped = new Map<string, ClipRecord[]>();
  for (const c of all) if (c.modelId === model && videos.has(c.videoId)) grouped.set(c.videoId, [...(grouped.get(c.videoId) ?? []), c]);
  return [...grouped.entries()]
    .map(([id, scenes]) => ({ video: videos.get(id) as VideoRecord, scenes: scenes.sort((a, b) => a.frameStart - b.frameStart) }))
    .sort((a, b) => (a.video.name < b.video.name ? -1 : a.video.name > b.video.name ? 1 : 0));
}

/** Stores the captions of one video's scenes (same order as `sceneIds`) in one transaction. */
export async function putSceneCaptions(db: StudioDatabase, sceneIds: readonly string[], captions: readonly (SceneCaptionRecord | undefined)[]): Promise<void> {
  const tx = db.transaction('clips', 'readwrite');
  const records = await Promise.all(sceneIds.map((id) => tx.store.get(id)));
  await Promise.all([
    ...records.map((r, k) => {
      if (!r) return Promise.resolve();
      const next: ClipRecord = { ...r };
      const c = captions[k];
      if (c) next.sceneCaption = c;
      else delete next.sceneCaption;
      return tx.store.put(next);
    }),
    tx.done,
  ]);
}

/** A person's caption for scene `index` of a video; every later caption is marked stale. */
export async function editSceneCaption(db: StudioDatabase, scenes: readonly ClipRecord[], index: number, text: string): Promise<void> {
  const next = editCaption(
    scenes.map((s) => s.sceneCaption),
    index,
    text,
  );
  await putSceneCaptions(
    db,
    scenes.map((s) => s.id),
    next,
  );
}
