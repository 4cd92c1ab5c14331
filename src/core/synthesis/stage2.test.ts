import { describe, expect, it } from 'vitest';
import { parseAnnotations } from '../generators/annotationsFile';
import { ImportedGenerator } from '../generators/imported';
import { GeneratorReplyError, GeneratorUnavailableError, type CaptionRequest, type CrossSceneQuery, type Generated, type Generator } from '../generators/types';
import { longvpoJsonl, studioJsonl, trlJsonl } from '../triples/exports';
import { parseTriples } from '../triples/import';
import { tripleIssues } from '../triples/validate';
import { answerCrossScene, buildWorld, createOracleGenerator, stage2Queries, type WorldVideo } from '../world';
import { normalizeText } from './stage1';
import { captionScenes, editCaption } from './stage2';
import { relevanceChain, STAGE2_TASK_TYPES, stage2TripleId, synthesizeStage2, type Stage2Params, type Stage2Video } from './stage2';

const NOW = '2026-12-01T12:00:00.000Z';
const world = buildWorld();
const longs = world.videos.filter((v) => v.kind === 'long');

/** The world's own scenes as the studio would hand them to Stage 2 (1 fps). */
function stage2Video(video: WorldVideo): Stage2Video {
  return {
    videoId: video.id,
    videoName: video.fileName,
    durationS: video.durationS,
    scenes: video.scenes.map((s) => ({ id: `${video.id}|scene|${s.index}`, videoId: video.id, videoName: video.fileName, startS: s.startS, endS: s.endS, frameCount: Math.round(s.endS - s.startS) })),
  };
}
const videos = longs.map(stage2Video);
const params = (p: Partial<Stage2Params> = {}): Stage2Params => ({ seed: 7, count: 400, now: NOW, ...p });

describe('relevanceChain', () => {
  it('reads "Scene #k" citations, lists and plain "scene k" into 0-based sorted indices', () => {
    expect(relevanceChain('Scene #5 shows it; then Scene #2 again.', 6)).toEqual({ ok: true, scenes: [1, 4] });
    expect(relevanceChain('It is in Scenes #2, #4 and #6.', 6)).toEqual({ ok: true, scenes: [1, 3, 5] });
    expect(relevanceChain('scene 1 and scene 3', 3)).toEqual({ ok: true, scenes: [0, 2] });
  });
  it('names what is wrong: no citation, an unknown scene, or only one scene', () => {
    expect(relevanceChain('The ball is red.', 4)).toMatchObject({ ok: false, problem: 'no_citation' });
    expect(relevanceChain('Scene #2 and Scene #9.', 4)).toMatchObject({ ok: false, problem: 'unknown_scene', detail: expect.stringContaining('Scene #9') });
    expect(relevanceChain('Scene #0 and Scene #2.', 4)).toMatchObject({ ok: false, problem: 'unknown_scene' });
    expect(relevanceChain('Only Scene #3 shows it, Scene #3 again.', 4)).toMatchObject({ ok: false, problem: 'too_few_citations' });
  });
});

describe('synthesizeStage2 with the demo-world oracle', async () => {
  const { triples, report, captions } = await synthesizeStage2(videos, createOracleGenerator(world), params());

  it('produces every task type and both strategies, and the report adds up', () => {
    expect(triples.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(report.byTaskType).sort()).toEqual([...STAGE2_TASK_TYPES].sort());
    expect(report.byStrategy.partial_evidence).toBeGreaterThan(0);
    expect(report.byStrategy.irrelevance).toBeGreaterThan(0);
    const discards = Object.values(report.discarded).reduce((a, b) => a + b, 0);
    expect(report.attempted).toBe(triples.length + discards);
    expect(report.videos.reduce((n, v) => n + v.produced, 0)).toBe(triples.length);
    expect(report.discarded.rejected_equals_chosen).toBeGreaterThan(0);
    expect(new Set(triples.map((t) => t.id)).size).toBe(triples.length);
  });

  it('every chosen answer is the world\'s ground truth, every citation exists, every rejected answer is wrong', () => {
    for (const t of triples) {
      expect(tripleIssues(t), t.id).toEqual([]);
      const video = longs.find((v) => v.id === t.clips[0]!.video)!;
      const truth = stage2Queries(world, video).find((q) => q.question === t.question)!;
      expect(truth, t.question).toBeDefined();
      expect(t.chosen).toBe(truth.answer);
      expect(t.relevant_clips).toEqual(truth.citedScenes);
      for (const k of t.relevant_clips!) expect(k).toBeLessThan(video.scenes.length);
      expect(t.task_type).toBe(truth.taskType);
      const context = t.filters.rejected_context!;
      const relevant = new Set(t.relevant_clips);
      if (t.rejected_strategy === 'partial_evidence') {
        expect(context.length).toBeGreaterThan(0);
        expect(context.length).toBeLessThan(relevant.size);
        for (const k of context) expect(relevant.has(k)).toBe(true);
      } else {
        expect(t.rejected_strategy).toBe('irrelevance');
        // As many uncited scenes as were cited (fewer only when the video has fewer).
        expect(context.length).toBe(Math.min(relevant.size, t.clips.length - relevant.size));
        for (const k of context) expect(relevant.has(k)).toBe(false);
      }
      // The honest answer from the degraded context, and wrong for the full question.
      expect(t.rejected).toBe(answerCrossScene(world, video, video.scenes, truth.ask, context));
      expect(normalizeText(t.rejected)).not.toBe(normalizeText(truth.answer));
      expect(t.scene_captions!.map((c) => c.text)).toEqual(captions[video.id]!.map((c) => c.text));
      expect(t.reasoning).toBe(truth.reasoning);
    }
  });

  it('gives byte-identical output for a seed, whatever the concurrency or generator latency', async () => {
    const slow = latencyWrapped(createOracleGenerator(world));
    const again = await synthesizeStage2(videos, slow, params({ concurrency: 1 }));
    expect(studioJsonl(again.triples)).toBe(studioJsonl(triples));
    const other = await synthesizeStage2(videos, createOracleGenerator(world), params({ seed: 8 }));
    expect(studioJsonl(other.triples)).not.toBe(studioJsonl(triples));
  });

  it('exports in the three flavours and imports back (studio whole; LongVPO with studio columns keeps the structure)', () => {
    const studio = parseTriples(studioJsonl(triples));
    expect(studio).toMatchObject({ ok: true, format: 'studio' });
    expect(studio.ok && studioJsonl(studio.triples)).toBe(studioJsonl(triples));
    const trl = trlJsonl(triples).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(trl[0]!)).toEqual(['id', 'prompt', 'chosen', 'rejected', 'clips']);
    const release = parseTriples(longvpoJsonl(triples, { studioColumns: true }), { now: NOW });
    expect(release.ok).toBe(true);
    if (!release.ok) return;
    release.triples.forEach((t, i) => {
      const src = triples[i]!;
      expect({ stage: t.stage, task_type: t.task_type, relevant_clips: t.relevant_clips, rejected_strategy: t.rejected_strategy, reasoning: t.reasoning, question: t.question }).toEqual({
        stage: 2, task_type: src.task_type, relevant_clips: src.relevant_clips, rejected_strategy: src.rejected_strategy, reasoning: src.reasoning, question: src.question,
      });
    });
  });

  it('validation refuses a degraded context that breaks its strategy and captions that do not match the clips', () => {
    const partial = triples.find((t) => t.rejected_strategy === 'partial_evidence')!;
    expect(tripleIssues({ ...partial, filters: { rejected_context: partial.relevant_clips } })).toEqual([expect.stringMatching(/strict, non-empty subset of relevant_clips/)]);
    const irrelevant = triples.find((t) => t.rejected_strategy === 'irrelevance')!;
    expect(tripleIssues({ ...irrelevant, filters: { rejected_context: [irrelevant.relevant_clips![0]!] } })).toEqual([expect.stringMatching(/share no scene with relevant_clips/)]);
    expect(tripleIssues({ ...partial, scene_captions: partial.scene_captions!.slice(1) })).toEqual([expect.stringMatching(/one caption per clip/)]);
  });

  it('follows the partial-evidence share', async () => {
    const partial = await synthesizeStage2(videos, createOracleGenerator(world), params({ partialEvidenceShare: 1 }));
    expect(partial.report.byStrategy.irrelevance).toBe(0);
    const irrelevance = await synthesizeStage2(videos, createOracleGenerator(world), params({ partialEvidenceShare: 0 }));
    expect(irrelevance.report.byStrategy.partial_evidence).toBe(irrelevance.report.strategyFallbacks);
    expect(irrelevance.report.byStrategy.irrelevance).toBeGreaterThan(0);
  });

  it('guessed y− (the oracle\'s degraded: guess): the same chosen answers, y− never "not seen", and ids of their own', async () => {
    const honest = await synthesizeStage2(videos, createOracleGenerator(world), params());
    const guessed = await synthesizeStage2(videos, createOracleGenerator(world, { degraded: 'guess' }), params());
    expect(guessed.triples.length).toBeGreaterThan(0);
    const key = (t: { question: string; clips: { video: string }[] }): string => `${t.clips[0]?.video}\u241f${t.question}`;
    const truth = new Map(honest.triples.map((t) => [key(t), t]));
    for (const t of guessed.triples) {
      expect(t.rejected).not.toMatch(/not seen|No object is seen|does not return|^0|Neither is seen|None of them/);
      const same = truth.get(key(t));
      if (!same) continue;
      expect(t.chosen).toBe(same.chosen);
      // A guessed triple never takes an honest one's place in the store (same seed, video, question).
      expect(t.id).not.toBe(same.id);
      expect(t.id).toBe(stage2TripleId(7, t.clips[0]!.video, t.question, 'guess'));
      expect(same.id).toBe(stage2TripleId(7, t.clips[0]!.video, t.question));
    }
    expect(guessed.triples.some((t) => truth.has(key(t)))).toBe(true);
  });

  it('stops at count and skips videos shorter than the minimum', async () => {
    const few = await synthesizeStage2(videos, createOracleGenerator(world), params({ count: 5 }));
    // Same rounds, same commit order: the first five of the full run.
    expect(few.triples).toEqual(triples.slice(0, 5));
    expect(few.report.exhausted).toBe(false);
    const none = await synthesizeStage2(videos, createOracleGenerator(world), params({ minVideoS: 10_000 }));
    expect(none.triples).toEqual([]);
    expect(none.report.skippedVideos.too_short).toBe(videos.length);
  });
});

/** Wraps a generator so every call takes a deterministic but varied time (completions reorder). */
function latencyWrapped(inner: Generator): Generator {
  let n = 0;
  const wait = () => new Promise((r) => setTimeout(r, (n++ * 7) % 5));
  return {
    kind: inner.kind,
    label: inner.label,
    caption: async (r, s) => (await wait(), inner.caption(r, s)),
    anchoredQA: async (r, s) => (await wait(), inner.anchoredQA(r, s)),
    answer: async (r, s) => (await wait(), inner.answer(r, s)),
    crossSceneQuery: async (r, s) => (await wait(), inner.crossSceneQuery(r, s)),
    judgeSpecificity: async (r, s) => (await wait(), inner.judgeSpecificity(r, s)),
  };
}

/** Records every caption request; its caption of scene N quotes what it was told about 1…N−1. */
function recordingCaptioner(): Generator & { requests: CaptionRequest[] } {
  const requests: CaptionRequest[] = [];
  const prov = { generator: 'endpoint' as const, model: 'recorder', promptId: 'caption_recursive', promptVersion: 1 };
  const base = createOracleGenerator(world);
  return {
    ...base,
    kind: 'endpoint',
    label: 'recorder',
    requests,
    crossSceneQuery: base.crossSceneQuery.bind(base),
    answer: base.answer.bind(base),
    anchoredQA: base.anchoredQA.bind(base),
    judgeSpecificity: base.judgeSpecificity.bind(base),
    async caption(req: CaptionRequest): Promise<Generated<string>> {
      requests.push({ clip: req.clip, previousCaptions: [...(req.previousCaptions ?? [])] });
      return { value: `${req.clip.id} after [${(req.previousCaptions ?? []).join(' | ')}]`, provenance: prov };
    },
  };
}

describe('recursive captioning', () => {
  const video = videos[0]!;

  it('captions scenes in order, each given the captions of the scenes before it', async () => {
    const gen = recordingCaptioner();
    const captions = await captionScenes(video.scenes, gen);
    expect(gen.requests.map((r) => r.clip.id)).toEqual(video.scenes.map((s) => s.id));
    gen.requests.forEach((r, k) => expect(r.previousCaptions).toEqual(captions.slice(0, k).map((c) => c.text)));
    expect(captions[0]!.provenance).toMatchObject({ generator: 'endpoint', model: 'recorder', promptId: 'caption_recursive' });
  });

  it('an edited caption marks the later ones stale, and re-captioning from there changes them', async () => {
    const gen = recordingCaptioner();
    const first = await captionScenes(video.scenes, gen);
    const edited = editCaption(first, 1, 'A person wrote this.');
    expect(edited[1]).toMatchObject({ text: 'A person wrote this.', edited: true });
    expect(edited.slice(2).every((c) => c?.stale)).toBe(true);
    expect(edited[0]).toEqual(first[0]);
    gen.requests.length = 0;
    const redone = await captionScenes(video.scenes, gen, { captions: edited });
    expect(gen.requests.map((r) => r.clip.id)).toEqual(video.scenes.slice(2).map((s) => s.id));
    expect(gen.requests[0]!.previousCaptions).toEqual([first[0]!.text, 'A person wrote this.']);
    expect(redone.slice(0, 2)).toEqual(edited.slice(0, 2));
    for (let k = 2; k < redone.length; k++) {
      expect(redone[k]!.text).not.toBe(first[k]!.text);
      expect(redone[k]!.stale).toBeUndefined();
    }
  });

  it('the run captions missing scenes recursively and records caption provenance in each triple', async () => {
    const gen = recordingCaptioner();
    const { triples, report } = await synthesizeStage2([video], gen, params({ count: 3 }));
    expect(report.videos[0]!.captioned).toBe(video.scenes.length);
    expect(triples[0]!.scene_captions![2]).toMatchObject({ generator: 'endpoint', model: 'recorder', prompt_id: 'caption_recursive', prompt_version: 1 });
  });
});

/** A generator whose cross-scene replies are scripted per variant. */
function scriptedQueries(replies: ((v: number) => CrossSceneQuery | Error)[]): Generator {
  const base = createOracleGenerator(world);
  const prov = { generator: 'endpoint' as const, model: 'script', promptId: 'cross_scene_query', promptVersion: 1 };
  return {
    ...base,
    kind: 'endpoint',
    label: 'script',
    caption: base.caption.bind(base),
    anchoredQA: base.anchoredQA.bind(base),
    judgeSpecificity: base.judgeSpecificity.bind(base),
    async crossSceneQuery(req) {
      const v = req.variant ?? 0;
      const r = (replies[v] ?? replies[replies.length - 1]!)(v);
      if (r instanceof Error) throw r;
      return { value: r, provenance: prov };
    },
    async answer(req) {
      return { value: `from ${req.clips.map((c) => c.id.split('|').pop()).join(',')}`, provenance: prov };
    },
  };
}

describe('bad generator replies', () => {
  const q = (reasoning: string, question = `Q ${reasoning}`): CrossSceneQuery => ({ question, answer: 'a', reasoning, citedScenes: [0, 1], taskType: 'temporal_order' });

  it('are counted as discards with their reason and never stored', async () => {
    const gen = scriptedQueries([
      () => q('No scene here.'),
      () => q('Scene #1 and Scene #42.'),
      () => q('Only Scene #2.'),
      () => new GeneratorReplyError('The endpoint reply was not JSON.', 'Check the model.'),
      () => q('Scene #1 then Scene #3.', 'Good question'),
      () => q('Scene #1 then Scene #3.', 'Good question'),
    ]);
    const { triples, report } = await synthesizeStage2([videos[0]!], gen, params({ count: 10, patience: 2 }));
    expect(report.discarded).toMatchObject({ no_citation: 1, unknown_scene: 1, too_few_citations: 1, unparseable: 1, duplicate: 2 });
    expect(triples).toHaveLength(1);
    expect(triples[0]).toMatchObject({ question: 'Good question', relevant_clips: [0, 2], chosen: 'from 0,2' });
    expect(report.firstGeneratorProblem).toMatch(/cites no scene/);
  });

  it('a video whose scenes cannot be captioned is skipped with the generator\'s reason', async () => {
    const gen = { ...scriptedQueries([() => q('Scene #1 and Scene #2.')]), caption: async () => { throw new GeneratorUnavailableError('No frames for this scene.', 'Import the video first.'); } };
    const { triples, report } = await synthesizeStage2([videos[0]!], gen, params());
    expect(triples).toEqual([]);
    expect(report.skippedVideos.caption_unavailable).toBe(1);
    expect(report.firstGeneratorProblem).toBe('No frames for this scene.');
  });

  it('cancel rejects with an AbortError and returns nothing', async () => {
    const controller = new AbortController();
    const gen = { ...createOracleGenerator(world), caption: async (r: CaptionRequest) => { controller.abort(); return createOracleGenerator(world).caption(r); } } as Generator;
    await expect(synthesizeStage2(videos, gen, params({ signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses overlapping scenes before any work', async () => {
    const bad = { ...videos[0]!, scenes: [videos[0]!.scenes[1]!, videos[0]!.scenes[0]!] };
    await expect(synthesizeStage2([bad], createOracleGenerator(world), params())).rejects.toMatchObject({ name: 'Stage2ParamsError', message: expect.stringMatching(/^Scene #2 of .* after a scene ending at/), hint: expect.stringMatching(/may not overlap/) });
  });
});

describe('synthesizeStage2 with imported annotations', () => {
  const jsonl = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');
  const captions = ['A red ball rolls left.', 'A blue cube spins.', 'A green cone stands still.'].map((caption, k) => ({ video: 'long.mp4', start_s: 60 * k, end_s: 60 * (k + 1), caption }));
  const after = { question: 'What appears after the ball stops?', answer: 'A spinning blue cube.', reasoning: 'Scene #1 shows the ball stop; Scene #2 shows the cube.', cited_scenes: [0, 1], task_type: 'temporal_order' };
  const still = { question: 'Which shape never moves?', answer: 'The green cone.', reasoning: 'Scene #1 and Scene #2 move; Scene #3 stands still.', cited_scenes: [0, 1, 2] };
  const video: Stage2Video = {
    videoId: 'hash-long',
    videoName: 'long.mp4',
    durationS: 180,
    scenes: [0, 1, 2].map((k) => ({ id: `hash-long|scene|${k}`, videoId: 'hash-long', videoName: 'long.mp4', startS: 60 * k, endS: 60 * (k + 1), frameCount: 60 })),
  };
  const generator = (text: string) => {
    const r = parseAnnotations(text);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return { gen: new ImportedGenerator(r.annotations, { sourceName: 'mine.jsonl' }), warnings: r.warnings };
  };

  it('captions and cross-scene queries alone give no triple, and the report and the import say why', async () => {
    const { gen, warnings } = generator(jsonl(...captions, { video: 'long.mp4', cross_scene: [after, still] }));
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('2 cross-scene queries have no rejected answer')]);
    const { triples, report } = await synthesizeStage2([video], gen, params({ count: 10 }));
    expect(triples).toEqual([]);
    // The chosen answers come from the file; each attempt stops at the rejected answer.
    expect(report.discarded.generator_unavailable).toBe(report.attempted);
    expect(report.firstGeneratorProblem).toMatch(/^mine\.jsonl has no answer to "What appears after the ball stops\?" from Scene #\d alone \(line 4\): add \{"scenes": \[\d\], "answer": "…"\} to that cross_scene entry's "degraded_answers"\.$/);
  });

  it('with degraded answers, every query becomes a triple: chosen is the file\'s answer, rejected the answer of exactly the degraded context', async () => {
    const degraded = (q: typeof after | typeof still, answers: [number[], string][]) => ({ ...q, degraded_answers: answers.map(([scenes, answer]) => ({ scenes, answer })) });
    const file = jsonl(...captions, {
      video: 'long.mp4',
      cross_scene: [
        degraded(after, [[[0], 'Nothing; the ball rolls away.'], [[1], 'A cube, but no ball is seen.'], [[2], 'A cone.']]),
        degraded(still, [[[0], 'The cube.'], [[1], 'The ball.'], [[2], 'Cannot tell: only one shape is seen.'], [[0, 1], 'Neither moves... no, both move.'], [[0, 2], 'The cone.'], [[1, 2], 'The cone, maybe.']]),
      ],
    });
    const { gen, warnings } = generator(file);
    expect(warnings).toEqual([]);
    const { triples, report } = await synthesizeStage2([video], gen, params({ count: 10 }));
    expect(triples.map((t) => t.question).sort()).toEqual([after.question, still.question].sort());
    expect(report.discarded.generator_unavailable).toBe(0);
    const parsed = parseAnnotations(file);
    if (!parsed.ok) throw new Error('parse');
    for (const t of triples) {
      const q = parsed.annotations.flatMap((a) => a.crossScene).find((x) => x.question === t.question)!;
      expect(t).toMatchObject({ stage: 2, chosen: q.answer, relevant_clips: q.citedScenes, provenance: { generator: 'imported', model: 'mine.jsonl' } });
      const context = (t.filters as { rejected_context: number[] }).rejected_context;
      expect(t.rejected).toBe(q.degradedAnswers!.find((d) => JSON.stringify(d.scenes) === JSON.stringify(context))!.answer);
      expect(t.scene_captions!.map((c) => c.text)).toEqual(captions.map((c) => c.caption));
      expect(tripleIssues(t)).toEqual([]);
    }
  });
});
