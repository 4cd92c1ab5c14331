import { describe, expect, it } from 'vitest';
import { GeneratorUnavailableError, type ClipRef, type Generator } from '../generators/types';
import { buildWorld, createOracleGenerator, createWorldsOracle, describeSpan, stage1Questions, stage2Queries, type WorldVideo } from './index';

const world = buildWorld();
const oracle: Generator = createOracleGenerator(world);
const shorts = world.videos.filter((v) => v.kind === 'short');
const long = world.videos.find((v) => v.kind === 'long')!;

function clip(video: WorldVideo, startS = 0, endS = video.durationS, name = video.fileName): ClipRef {
  return { id: `${video.id}:${startS}-${endS}`, videoId: `sha-${video.id}`, videoName: name, startS, endS };
}
const sceneClips = long.scenes.map((s) => clip(long, s.startS, s.endS));

describe('OracleGenerator', () => {
  it('captions exactly, with provenance, resolving names with or without extension', async () => {
    const v = shorts[4]!;
    const got = await oracle.caption({ clip: clip(v) });
    expect(got.value).toBe(describeSpan(world, v, 0, v.durationS).caption);
    expect(got.provenance).toEqual({ generator: 'oracle', model: 'world-v1', promptId: 'caption', promptVersion: 1 });
    expect((await oracle.caption({ clip: clip(v, 0, v.durationS, v.fileName.replace('.webm', '')) })).value).toBe(got.value);
  });

  it('says which recurring objects were seen before when captioning recursively', async () => {
    const later = long.scenes.findIndex((s, i) => i > 0 && s.description.objects.some((o) => o.recurring && long.scenes.slice(0, i).some((p) => p.description.objects.some((q) => q.entityId === o.entityId))));
    const scene = long.scenes[later]!;
    const previousCaptions = long.scenes.slice(0, later).map((s) => s.caption);
    const got = await oracle.caption({ clip: sceneClips[later]!, previousCaptions });
    expect(got.value).toContain('(seen before) returns');
    expect(got.value).toContain(scene.background.name);
    expect((await oracle.caption({ clip: sceneClips[later]! })).value).not.toContain('seen before');
  });

  it('asks other questions for later variants, each with its exact answer; variant 0 is the default', async () => {
    const v = shorts[9]!;
    const truth = stage1Questions(world, v, 0, v.durationS);
    const got = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((variant) => oracle.anchoredQA({ clip: clip(v), variant })));
    expect(got[0]!.value).toEqual((await oracle.anchoredQA({ clip: clip(v) })).value);
    const distinct = new Set(got.map((g) => g.value.question));
    expect(distinct.size).toBeGreaterThanOrEqual(Math.min(7, new Set(truth.map((q) => q.question)).size));
    for (const g of got) expect(g.value.answer).toBe(truth.find((q) => q.question === g.value.question)!.answer);
  });

  it('writes an anchored question from the ground truth, stable for a clip id', async () => {
    const v = shorts[9]!;
    const got = await oracle.anchoredQA({ clip: clip(v) });
    const truth = stage1Questions(world, v, 0, v.durationS);
    expect(truth.map((q) => q.question)).toContain(got.value.question);
    expect(got.value.answer).toBe(truth.find((q) => q.question === got.value.question)!.answer);
    expect((await oracle.anchoredQA({ clip: clip(v) })).value).toEqual(got.value);
    expect(got.provenance.promptId).toBe('anchoredQA');
  });

  it('answers from the given clips: the truth from the anchor, something else from distractors', async () => {
    for (const v of shorts.slice(0, 10)) {
      const { value: qa } = await oracle.anchoredQA({ clip: clip(v) });
      const distractors = shorts.filter((d) => d !== v).slice(0, 4).map((d) => clip(d));
      expect((await oracle.answer({ question: qa.question, clips: [clip(v)] })).value).toBe(qa.answer);
      expect((await oracle.answer({ question: qa.question, clips: distractors })).value).not.toBe(qa.answer);
    }
    // A fresh oracle (e.g. after a reload) reads the question back from its text.
    const v = shorts[2]!;
    const { value: qa } = await oracle.anchoredQA({ clip: clip(v) });
    const fresh = createOracleGenerator(world);
    expect((await fresh.answer({ question: qa.question, clips: [clip(v)] })).value).toBe(qa.answer);
  });

  it('judges specificity with the ids of clips that could also answer', async () => {
    const v = shorts[5]!;
    const { value: qa } = await oracle.anchoredQA({ clip: clip(v) });
    const others = [clip(shorts[6]!), clip(shorts[7]!)];
    const specific = await oracle.judgeSpecificity({ question: qa.question, anchor: clip(v), others });
    expect(specific.value).toMatchObject({ specific: true, answerableBy: [] });
    const twin = { ...clip(v), id: 'twin' };
    const shared = await oracle.judgeSpecificity({ question: qa.question, anchor: clip(v), others: [...others, twin] });
    expect(shared.value).toMatchObject({ specific: false, answerableBy: ['twin'] });
  });

  it('picks a cross-scene query of the video deterministically from the clip ids', async () => {
    const captions = long.scenes.map((s) => ({ index: s.index, caption: s.caption }));
    const got = await oracle.crossSceneQuery({ video: sceneClips, captions });
    const all = stage2Queries(world, long);
    expect(all.map((q) => q.question)).toContain(got.value.question);
    expect(got.value.reasoning).toMatch(/Scene #\d/);
    expect((await oracle.crossSceneQuery({ video: sceneClips, captions })).value).toEqual(got.value);
    const shifted = sceneClips.map((c) => ({ ...c, id: `${c.id}-b` }));
    const picks = new Set<string>([got.value.question]);
    for (let k = 0; k < 6; k++) picks.add((await oracle.crossSceneQuery({ video: shifted.map((c) => ({ ...c, id: `${c.id}${k}` })), captions })).value.question);
    expect(picks.size).toBeGreaterThan(1);
  });

  it('answers a query again after the same text was written for other scenes', async () => {
    const fresh = createOracleGenerator(world);
    const captions = long.scenes.map((s) => ({ index: s.index, caption: s.caption }));
    const first = await fresh.crossSceneQuery({ video: sceneClips, captions });
    const answer = { question: first.value.question, clips: sceneClips };
    const before = (await fresh.answer(answer)).value;
    // The same text, written again for the same scenes under other clip ids (another cut).
    const other = sceneClips.map((c) => ({ ...c, id: `${c.id}-again` }));
    let again = false;
    for (let v = 0; v < 40 && !again; v++) again = (await fresh.crossSceneQuery({ video: other, captions, variant: v })).value.question === first.value.question;
    expect(again).toBe(true);
    expect((await fresh.answer(answer)).value).toBe(before);
    expect((await fresh.answer({ ...answer, clips: other })).value).toBe(before);
    await expect(fresh.answer({ ...answer, clips: [sceneClips[0]!, other[1]!] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
  });

  it('refuses videos outside the demo world with a hint to choose another generator', async () => {
    const foreign: ClipRef = { id: 'x', videoId: 'y', videoName: 'holiday.mp4', startS: 0, endS: 8 };
    const error = await oracle.caption({ clip: foreign }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeneratorUnavailableError);
    expect((error as GeneratorUnavailableError).message).toContain('holiday.mp4');
    expect((error as GeneratorUnavailableError).hint).toMatch(/another generator/);
    await expect(oracle.answer({ question: 'What is this?', clips: [clip(shorts[0]!)] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
    await expect(oracle.crossSceneQuery({ video: [clip(shorts[0]!)], captions: [] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
  });

  it('stops when cancelled', async () => {
    await expect(oracle.caption({ clip: clip(shorts[0]!) }, { aborted: true })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the oracle of several worlds', () => {
  const other = buildWorld({ seed: 43 });
  const otherShorts = other.videos.filter((v) => v.kind === 'short');
  const otherLong = other.videos.find((v) => v.kind === 'long')!;
  const both = createWorldsOracle([world, other]);

  it('answers each world’s clips as that world’s own oracle does, naming its worlds', async () => {
    expect(both.label).toBe('Demo world oracle (2 worlds, seeds 42, 43)');
    expect(createWorldsOracle([world]).label).toBe(oracle.label);
    const own = createOracleGenerator(other);
    for (const v of otherShorts.slice(0, 4)) {
      const qa = await both.anchoredQA({ clip: clip(v), clipOnly: true });
      expect(qa).toEqual(await own.anchoredQA({ clip: clip(v), clipOnly: true }));
      const distractors = otherShorts.filter((d) => d !== v).slice(0, 3).map((d) => clip(d));
      expect((await both.answer({ question: qa.value.question, clips: distractors })).value).toBe((await own.answer({ question: qa.value.question, clips: distractors })).value);
      expect((await both.judgeSpecificity({ question: qa.value.question, anchor: clip(v), others: distractors })).value).toEqual((await own.judgeSpecificity({ question: qa.value.question, anchor: clip(v), others: distractors })).value);
    }
    const first = shorts[0]!;
    expect((await both.caption({ clip: clip(first) })).value).toBe((await oracle.caption({ clip: clip(first) })).value);
    // Stage 2: a query over the other world's long video, answered again from its scenes.
    const scenes = otherLong.scenes.map((sc) => clip(otherLong, sc.startS, sc.endS));
    const ask = { video: scenes, captions: otherLong.scenes.map((sc) => ({ index: sc.index, caption: sc.caption })) };
    const query = await both.crossSceneQuery(ask);
    expect(query).toEqual(await own.crossSceneQuery(ask));
    expect(stage2Queries(other, otherLong).map((q) => q.question)).toContain(query.value.question);
    for (const k of [1, 2]) {
      const context = scenes.slice(0, k);
      expect((await both.answer({ question: query.value.question, clips: context })).value).toBe((await own.answer({ question: query.value.question, clips: context })).value);
    }
  });

  it('refuses a request whose clips come from two worlds, and a video of neither, saying what to do', async () => {
    const qa = await both.anchoredQA({ clip: clip(shorts[1]!) });
    const mixed = await both.judgeSpecificity({ question: qa.value.question, anchor: clip(shorts[1]!), others: [clip(otherShorts[0]!)] }).catch((e: unknown) => e);
    expect(mixed).toBeInstanceOf(GeneratorUnavailableError);
    expect((mixed as GeneratorUnavailableError).message).toMatch(/clips of one world; these come from the worlds of seeds 42 and 43/);
    expect((mixed as GeneratorUnavailableError).hint).toMatch(/Keep one demo world in the library/);
    await expect(both.answer({ question: qa.value.question, clips: [clip(shorts[2]!), clip(otherShorts[1]!)] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
    // A world-42 question answered from world-43 distractors alone: refused, naming both worlds.
    const crossed = await both.answer({ question: qa.value.question, clips: [clip(otherShorts[2]!), clip(otherShorts[3]!)] }).catch((e: unknown) => e);
    expect((crossed as GeneratorUnavailableError).message).toMatch(/written for the world of seed 42, these clips are of seed 43/);
    const foreign = await both.caption({ clip: { id: 'x', videoId: 'y', videoName: 'holiday.mp4', startS: 0, endS: 8 } }).catch((e: unknown) => e);
    expect((foreign as GeneratorUnavailableError).message).toContain('holiday.mp4');
  });
});
