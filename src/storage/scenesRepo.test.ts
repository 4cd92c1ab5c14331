import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from './db';
import { editSceneCaption, putSceneCaptions, sceneVideos } from './scenesRepo';
import type { ClipRecord, VideoRecord } from './schema';

const prov = { generator: 'oracle' as const, model: 'world-v1', promptId: 'caption', promptVersion: 1 };
const video: VideoRecord = { id: 'v1', name: 'long.webm', sizeBytes: 1, mimeType: 'video/webm', contentHash: 'h', file: new Blob(['x']), addedAt: 1, durationS: 180 };
const scene = (k: number, modelId = 'm'): ClipRecord => ({ id: `v1|scene|${k}`, videoId: 'v1', kind: 'scene', startS: k * 60, endS: k * 60 + 60, frameStart: k * 60, frameEnd: k * 60 + 60, frameCount: 60, embedding: new Float32Array(2), modelId });

describe('scenesRepo', () => {
  it('lists a video\'s scenes in time order; stores captions; an edit marks the later ones stale', async () => {
    const db = await openStudioDb('scenes-test-1');
    await db.put('videos', video);
    for (const k of [2, 0, 1]) await db.put('clips', scene(k));
    await db.put('clips', { ...scene(0), id: 'v1|clip|0', kind: 'clip' });
    let [v] = await sceneVideos(db, 'm');
    expect(v!.scenes.map((s) => s.id)).toEqual(['v1|scene|0', 'v1|scene|1', 'v1|scene|2']);

    await putSceneCaptions(db, v!.scenes.map((s) => s.id), ['a', 'b', 'c'].map((text) => ({ text, provenance: prov })));
    [v] = await sceneVideos(db, 'm');
    expect(v!.scenes.map((s) => s.sceneCaption?.text)).toEqual(['a', 'b', 'c']);

    await editSceneCaption(db, v!.scenes, 0, 'A person wrote this.');
    [v] = await sceneVideos(db, 'm');
    expect(v!.scenes.map((s) => [s.sceneCaption?.text, s.sceneCaption?.edited ?? false, s.sceneCaption?.stale ?? false])).toEqual([
      ['A person wrote this.', true, false],
      ['b', false, true],
      ['c', false, true],
    ]);
    // Scenes of another embedder are used only when the wanted one has none.
    expect((await sceneVideos(db, 'other-model'))[0]!.scenes).toHaveLength(3);
    db.close();
  });
});
