import { describe, expect, it } from 'vitest';
import { DEMO_SIZES } from '../demo';
import { synthesizeStage2 } from '../synthesis/stage2';
import { buildWorld, createOracleGenerator } from '../world';
import { sameFormStage2Triples, STAGE2_PROBE_SYNTHESIS, stage2ProbeItems, summariseStage2, worldStage2Videos, type Stage2ProbeItem } from './stage2Probe';

const item = (id: string, context: 'full' | 'cited', task: string): Stage2ProbeItem => ({ id, context, task, clips: ['a'], question: 'q', answer: 'yes', candidates: ['yes', 'no'] });

describe('summariseStage2', () => {
  it('counts picks of the correct candidate (index 0) per context and task', () => {
    const items = [item('1-full', 'full', 'counting'), item('1-cited', 'cited', 'counting'), item('2-full', 'full', 'detail'), item('2-cited', 'cited', 'detail'), item('3-full', 'full', 'counting'), item('3-cited', 'cited', 'counting')];
    const s = summariseStage2(items, [0, 0, 1, 0, 0, 1]);
    expect(s.full).toMatchObject({ n: 3, correct: 2 });
    expect(s.full.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.cited).toMatchObject({ n: 3, correct: 2 });
    expect(s.full.by_task).toMatchObject({ counting: { n: 2, correct: 2 }, detail: { n: 1, correct: 0 } });
    expect(s.cited.by_task).toMatchObject({ counting: { n: 2, correct: 1 }, detail: { n: 1, correct: 1 } });
    // Wilson interval brackets the estimate
    expect(s.full.ci95[0]).toBeLessThan(2 / 3);
    expect(s.full.ci95[1]).toBeGreaterThan(2 / 3);
  });

  it('has n 0 and no tasks without items', () => {
    const s = summariseStage2([], []);
    expect(s.full.n).toBe(0);
    expect(Number.isNaN(s.full.accuracy)).toBe(true);
    expect(s.full.by_task).toEqual({});
  });
});

describe('stage2ProbeItems and worldStage2Videos', () => {
  it('asks each triple twice, and maps scenes to their world videos', () => {
    const world = buildWorld({ seed: 3, shortClips: 1, longVideos: 1, scenesPerLongVideo: [3, 3], sceneSeconds: [20, 20] });
    const long = world.videos.find((v) => v.kind === 'long')!;
    const scenes = long.scenes.map((s) => ({ id: `${long.id}|scene|${s.index}`, videoId: long.id, videoName: long.fileName, startS: s.startS, endS: s.endS, frameCount: 20, embedding: new Float32Array(2) }));
    const videos = worldStage2Videos(world, scenes);
    expect(videos).toHaveLength(1);
    expect(videos[0]!.scenes.map((s) => s.id)).toEqual(scenes.map((s) => s.id));
    expect(Object.keys(videos[0]!.scenes[0]!)).not.toContain('embedding');
    const triple = { stage: 2, id: 't', task_type: 'counting', question: 'How many?', chosen: 'two', rejected: 'one', clips: scenes.map((s) => ({ id: s.id })), relevant_clips: [2, 0] } as unknown as Parameters<typeof stage2ProbeItems>[0][number];
    const items = stage2ProbeItems([triple]);
    expect(items.map((i) => i.context)).toEqual(['full', 'cited']);
    expect(items[1]!.clips).toEqual([scenes[0]!.id, scenes[2]!.id]);
    expect(items[0]!.candidates).toEqual(['two', 'one']);
  });
});

describe('sameFormStage2Triples', () => {
  // The honest y− forms a policy can learn to avoid without the video.
  const honestForm = /not seen|no object is seen|does not return|^0 scenes|^0:/i;
  it('asks the world\'s cross-scene queries with wrong answers of the correct answer\'s form, the same on every call', async () => {
    const world = buildWorld({ ...DEMO_SIZES.full.config, seed: 5 });
    const scenes = world.videos.filter((v) => v.kind === 'long').flatMap((v) => v.scenes.map((s) => ({ id: `${v.id}|scene|${s.index}`, videoId: v.id, videoName: v.fileName, startS: s.startS, endS: s.endS, frameCount: 10 })));
    const videos = worldStage2Videos(world, scenes);
    const same = await sameFormStage2Triples(world, videos, 5);
    const honest = (await synthesizeStage2(videos, createOracleGenerator(world), { seed: 5, ...STAGE2_PROBE_SYNTHESIS })).triples;
    expect(same.length).toBeGreaterThan(50);
    // The honest set has its own forms; the same-form set none of them.
    expect(honest.filter((t) => honestForm.test(t.rejected)).length).toBeGreaterThan(10);
    expect(same.filter((t) => honestForm.test(t.rejected))).toEqual([]);
    // The same queries: every same-form question is one the honest set asks too.
    const asked = new Set(honest.map((t) => t.question));
    expect(same.every((t) => asked.has(t.question))).toBe(true);
    // Deterministic, and never the correct answer twice.
    expect((await sameFormStage2Triples(world, videos, 5)).map((t) => [t.id, t.rejected])).toEqual(same.map((t) => [t.id, t.rejected]));
    expect(stage2ProbeItems(same)).toHaveLength(2 * same.length);
  });
});
