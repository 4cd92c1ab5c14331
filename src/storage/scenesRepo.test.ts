import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from './db';
import { exampleTriple } from '../core/triples/fixtures';
import { clearStage2Recut, editSceneCaption, putSceneCaptions, replaceVideoSpans, sceneVideos } from './scenesRepo';
import { getSetting } from './settingsRepo';
import { listTriples, putTriples } from './triplesRepo';
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

  it('cut again with other scenes, a video loses its Stage 2 triples (Stage 1 stays) and waits for a Stage 2 run', async () => {
    const db = await openStudioDb('scenes-test-2');
    // exampleTriple: Stage 1 cites world-v001…003, Stage 2 world-v010.
    const long: VideoRecord = { ...video, id: 'v10', name: 'world-v010.webm' };
    await db.put('videos', long);
    const at = (k: number, end = k * 60 + 60): ClipRecord => ({ ...scene(k), id: `v10|scene|${k}`, videoId: 'v10', endS: end, frameEnd: end });
    const clip: ClipRecord = { ...at(0), id: 'v10|clip|0', kind: 'clip' };
    expect(await replaceVideoSpans(db, [{ videoId: 'v10', records: [clip, at(0), at(1)] }])).toEqual({ stage2Removed: 0 });
    await putTriples(db, [exampleTriple({ id: 'one' }), exampleTriple({ id: 'two', stage: 2 }), exampleTriple({ id: 'three', stage: 2, question: 'What comes last?' })]);
    // The same scenes again (another embedder that cuts alike): nothing is removed.
    expect(await replaceVideoSpans(db, [{ videoId: 'v10', records: [clip, at(0), at(1)] }])).toEqual({ stage2Removed: 0 });
    expect(await getSetting(db, 'stage2Recut')).toEqual([]);
    // Other scenes (only the scenes replaced, as a scene list does): both Stage 2 triples go, atomically with the new scenes.
    expect(await replaceVideoSpans(db, [{ videoId: 'v10', records: [at(0, 30), at(1)] }], 'scene')).toEqual({ stage2Removed: 2 });
    expect((await listTriples(db)).map((t) => t.id)).toEqual(['one']);
    expect((await db.getAllFromIndex('clips', 'byVideo', 'v10')).map((c) => [c.id, c.frameEnd])).toEqual([
      ['v10|clip|0', 60],
      ['v10|scene|0', 30],
      ['v10|scene|1', 120],
    ]);
    expect(await getSetting(db, 'stage2Recut')).toEqual(['world-v010.webm']);
    // A Stage 2 run over other videos leaves the name; one covering it clears it.
    await clearStage2Recut(db, new Set(['other.webm']));
    expect(await getSetting(db, 'stage2Recut')).toEqual(['world-v010.webm']);
    await clearStage2Recut(db, new Set(['world-v010.webm']));
    expect(await getSetting(db, 'stage2Recut')).toEqual([]);
    db.close();
  });
});
