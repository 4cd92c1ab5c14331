// Scenes of the library's videos for Stage 2 (issue #10): the detected scene records of one
// embedder, in time order, and their recursive captions (stored on the scene record).
//
// Must: captions of a video are written in one transaction (a cancelled or failed captioning run
// stores none of them). Must: an edit marks every later caption of that video stale.
import { editCaption } from '../core/synthesis/stage2Captions';
import type { SceneCaptionRecord } from '../core/synthesis/stage2Settings';
import type { StudioDatabase } from './db';
import type { ClipRecord, VideoRecord } from './schema';
import { deleteTriplesCiting } from './triplesRepo';

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

/** The scene spans of `records` in seconds (what a Stage 2 triple cites), in time order, as one comparable string. */
function sceneSpans(records: readonly ClipRecord[]): string {
  return records
    .filter((r) => r.kind === 'scene')
    .sort((a, b) => a.startS - b.startS)
    .map((r) => `${r.startS.toFixed(3)}-${r.endS.toFixed(3)}`)
    .join(',');
}

/**
 * Replaces the clip and scene records of each video (`only: 'scene'`: its scenes; its fixed clips
 * stay), all in ONE transaction. When a video's scenes change, the Stage 2 triples citing it go
 * with the old scenes ("Scene #k" would now name another span, and training could not find their
 * spans), and its name is added to the `stage2Recut` setting until a Stage 2 run covers it again
 * (`clearStage2Recut`). Resolves with the number of Stage 2 triples removed.
 */
export async function replaceVideoSpans(db: StudioDatabase, videos: readonly { videoId: string; records: readonly ClipRecord[] }[], only?: 'scene'): Promise<{ stage2Removed: number }> {
  const tx = db.transaction(['clips', 'triples', 'settings', 'videos'], 'readwrite');
  const clips = tx.objectStore('clips');
  const recut = new Set<string>();
  const olds: ClipRecord[][] = [];
  for (const { videoId, records } of videos) {
    const old = (await clips.index('byVideo').getAll(videoId)).filter((c) => only === undefined || c.kind === only);
    olds.push(old);
    const name = (await tx.objectStore('videos').get(videoId))?.name;
    if (name !== undefined && old.some((c) => c.kind === 'scene') && sceneSpans(old) !== sceneSpans(records)) recut.add(name);
  }
  const { deleted: stage2Removed, videos: removedFrom } = recut.size > 0 ? await deleteTriplesCiting(tx.objectStore('triples'), recut, 2) : { deleted: 0, videos: new Set<string>() };
  if (removedFrom.size > 0) {
    const settings = tx.objectStore('settings');
    const before = ((await settings.get('stage2Recut'))?.value as string[] | undefined) ?? [];
    await settings.put({ key: 'stage2Recut', value: [...before, ...[...removedFrom].filter((n) => !before.includes(n))] });
  }
  for (const old of olds) for (const c of old) await clips.delete(c.id);
  for (const { records } of videos) for (const r of records) await clips.put(r);
  await tx.done;
  return { stage2Removed };
}

/** A Stage 2 run covered these videos: they no longer wait for their Stage 2 triples. */
export async function clearStage2Recut(db: StudioDatabase, videoNames: ReadonlySet<string>): Promise<void> {
  const tx = db.transaction('settings', 'readwrite');
  const before = ((await tx.store.get('stage2Recut'))?.value as string[] | undefined) ?? [];
  const after = before.filter((n) => !videoNames.has(n));
  if (after.length !== before.length) await tx.store.put({ key: 'stage2Recut', value: after });
  await tx.done;
}
