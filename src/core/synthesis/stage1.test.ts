import { describe, expect, it } from 'vitest';
import { fixedClips } from '../clips';
import { GeneratorUnavailableError, type AnchoredQA, type ClipRef, type Generated, type Generator, type SpecificityVerdict } from '../generators/types';
import { cosine } from '../reference/similarity';
import type { Triple } from '../triples/types';
import { tripleIssues } from '../triples/validate';
import { buildWorld, createOracleGenerator, mulberry32, questionFromText, type World } from '../world';
import { DEFAULT_SIMILARITY_THRESHOLD, normalizeText, Stage1ParamsError, synthesizeStage1, type SimilaritySource, type Stage1Params, type SynthClip } from './stage1';

const NOW = '2026-11-24T12:00:00.000Z';

/** Plain-JS reference for the tensor-op similarity source src/ml provides: O(n·d) per anchor row. */
function referenceSimilarity(embeddings: readonly Float32Array[]): SimilaritySource {
  const cache = new Map<number, Float32Array>();
  const row = (a: number) => cache.get(a) ?? cache.set(a, Float32Array.from(embeddings, (e) => cosine(embeddings[a] as Float32Array, e))).get(a)!;
  return { rows: async (anchorIndices) => anchorIndices.map(row) };
}

/** Random unit-ish vectors: pairwise cosines near 0 in 64 dimensions. */
function randomEmbeddings(n: number, seed = 1, dim = 64): Float32Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => rng.next() - 0.5));
}

function synthClips(n: number, perVideo = 1): SynthClip[] {
  return Array.from({ length: n }, (_, i) => {
    const v = Math.floor(i / perVideo);
    const startS = (i % perVideo) * 10;
    return { id: `c${i}`, videoId: `v${v}`, videoName: `video-${v}.mp4`, startS, endS: startS + 8, frameCount: 8 };
  });
}

interface StubOptions {
  /** Clip ids the generator can write questions for (default: all). */
  servable?: (clip: ClipRef) => boolean;
  /** Question text for the k-th question about a clip (default: one fixed question per clip). */
  question?: (clip: ClipRef, k: number) => string;
  rejected?: (question: string, chosen: string) => string;
  specific?: (question: string, anchor: ClipRef) => boolean;
  /** Latency of each call in ms (deterministic per request), to shuffle completion order. */
  delayMs?: (key: string) => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A scriptable generator: answers are `answer to <question>`, the rejected answer `wrong`. */
function stubGenerator(o: StubOptions = {}): Generator & { judged: number; answered: number } {
  const asked = new Map<string, number>();
  const gen = (role: string) => ({ generator: 'oracle' as const, model: 'stub', promptId: role, promptVersion: 1 });
  const stub = {
    kind: 'oracle' as const,
    label: 'stub',
    judged: 0,
    answered: 0,
    async caption(): Promise<Generated<string>> {
      return { value: '', provenance: gen('caption') };
    },
    async anchoredQA(req: { clip: ClipRef }): Promise<Generated<AnchoredQA>> {
      if (o.delayMs) await sleep(o.delayMs(`qa${req.clip.id}`));
      if (o.servable && !o.servable(req.clip)) throw new GeneratorUnavailableError(`no QA for ${req.clip.id}`, 'use another');
      const k = asked.get(req.clip.id) ?? 0;
      asked.set(req.clip.id, k + 1);
      const question = o.question ? o.question(req.clip, k) : `What is in ${req.clip.id}?`;
      return { value: { question, answer: `answer to ${question}`, taskType: 'anchored_qa', family: 'colour' }, provenance: gen('anchoredQA') };
    },
    async answer(req: { question: string; clips: ClipRef[] }): Promise<Generated<string>> {
      stub.answered++;
      if (o.delayMs) await sleep(o.delayMs(`a${req.question}${req.clips.map((c) => c.id).join()}`));
      return { value: o.rejected ? o.rejected(req.question, `answer to ${req.question}`) : 'wrong', provenance: gen('answer') };
    },
    async crossSceneQuery(): Promise<never> {
      throw new GeneratorUnavailableError('not in stage 1', '');
    },
    async judgeSpecificity(req: { question: string; anchor: ClipRef; others: ClipRef[] }): Promise<Generated<SpecificityVerdict>> {
      stub.judged++;
      const specific = o.specific ? o.specific(req.question, req.anchor) : true;
      return { value: { specific, answerableBy: specific ? [] : [req.others[0]?.id ?? ''], reason: specific ? 'only the anchor' : 'another clip shows it' }, provenance: gen('judgeSpecificity') };
    },
  };
  return stub;
}

const base = (p: Partial<Stage1Params> = {}): Stage1Params => ({ seed: 1, count: 1, embedder: 'test-embedder', now: NOW, ...p });
const onlyAnchor = (id: string) => (clip: ClipRef) => clip.id === id;
const anchorOf = (t: Triple) => t.clips[t.anchor_index ?? -1]!;
const distractorsOf = (t: Triple) => t.clips.filter((c) => c.role === 'distractor');

describe('visual-similarity filter', () => {
  // c0 is the only anchor; c1 is its look-alike (cos ≈ 0.99), c2 a dissimilar clip (cos ≈ 0).
  const embeddings = [Float32Array.of(1, 0, 0), Float32Array.of(0.99, 0.1, 0), Float32Array.of(0, 1, 0)];
  const clips = synthClips(3);
  const twoSlots = { frameBudget: 64, framesPerClip: 32 };

  it('replaces a too-similar distractor by a dissimilar one and records what it kept', async () => {
    const replacedRuns: number[] = [];
    for (let seed = 0; seed < 12; seed++) {
      const { triples, report } = await synthesizeStage1(clips, referenceSimilarity(embeddings), stubGenerator({ servable: onlyAnchor('c0') }), base({ seed, ...twoSlots }));
      expect(triples).toHaveLength(1);
      const t = triples[0]!;
      expect(anchorOf(t).id).toBe('c0');
      expect(distractorsOf(t).map((c) => c.id)).toEqual(['c2']);
      expect(t.filters.max_distractor_similarity).toBeCloseTo(0, 6);
      expect(t.filters.similarity_threshold).toBe(DEFAULT_SIMILARITY_THRESHOLD);
      expect(t.filters.embedder).toBe('test-embedder');
      expect(report.replacedDistractors).toBe(t.filters.replaced_distractors);
      replacedRuns.push(t.filters.replaced_distractors ?? -1);
    }
    // The look-alike is drawn first in some seeds and then replaced; in others it is never drawn.
    expect(new Set(replacedRuns)).toEqual(new Set([0, 1]));
  });

  it('discards the sample when every candidate is too similar', async () => {
    const twins = [Float32Array.of(1, 0), Float32Array.of(0.95, 0.05), Float32Array.of(0.9, 0.1)];
    const { triples, report } = await synthesizeStage1(clips, referenceSimilarity(twins), stubGenerator({ servable: onlyAnchor('c0') }), base(twoSlots));
    expect(triples).toEqual([]);
    expect(report.discarded.no_dissimilar_distractor).toBe(1);
    expect(report.exhausted).toBe(true);
    expect(report.skippedAnchors).toBe(2);
  });

  it('discards after maxReplacementsPerSample look-alikes even when a dissimilar clip remains', async () => {
    const many = synthClips(10);
    const e = [Float32Array.of(1, 0), ...Array.from({ length: 8 }, () => Float32Array.of(1, 0.01)), Float32Array.of(0, 1)];
    const outcomes = { kept: 0, discarded: 0 };
    for (let seed = 0; seed < 20; seed++) {
      const { report } = await synthesizeStage1(many, referenceSimilarity(e), stubGenerator({ servable: onlyAnchor('c0') }), base({ seed, ...twoSlots, maxReplacementsPerSample: 2 }));
      outcomes.kept += report.produced;
      outcomes.discarded += report.discarded.no_dissimilar_distractor;
    }
    // The dissimilar clip must be among the first 3 draws of 9: some seeds keep, most discard.
    expect(outcomes.kept).toBeGreaterThan(0);
    expect(outcomes.discarded).toBeGreaterThan(outcomes.kept);
  });

  it('never uses a clip of the anchor’s own video while other videos can fill the composite', async () => {
    const clipsByVideo = synthClips(40, 4); // 10 videos × 4 clips
    const { triples } = await synthesizeStage1(clipsByVideo, referenceSimilarity(randomEmbeddings(40)), stubGenerator(), base({ count: 20, frameBudget: 256, framesPerClip: 32 }));
    expect(triples).toHaveLength(20);
    for (const t of triples) {
      expect(t.clips).toHaveLength(8);
      for (const d of distractorsOf(t)) expect(d.video).not.toBe(anchorOf(t).video);
    }
  });

  it('falls back to far, non-overlapping clips of the same video when there is one video', async () => {
    // One 20-clip video, clips every 10 s: with minSeparationS 30, neighbours within 30 s are out.
    const one = synthClips(20, 20);
    const { triples } = await synthesizeStage1(one, referenceSimilarity(randomEmbeddings(20)), stubGenerator(), base({ count: 10, frameBudget: 128, framesPerClip: 32, minSeparationS: 30 }));
    expect(triples).toHaveLength(10);
    for (const t of triples) {
      const a = anchorOf(t);
      for (const d of distractorsOf(t)) expect(Math.max(d.start_s - a.end_s, a.start_s - d.end_s)).toBeGreaterThanOrEqual(30);
    }
  });
});

describe('answer and specificity filters', () => {
  const clips = synthClips(12);
  const sim = () => referenceSimilarity(randomEmbeddings(12));

  it('discards a sample whose rejected answer equals the chosen one after normalisation', async () => {
    const gen = stubGenerator({ rejected: (q, chosen) => (q.includes('c3?') ? `  The ${chosen.toUpperCase()}!` : 'wrong') });
    const { triples, report } = await synthesizeStage1(clips, sim(), gen, base({ count: 12 }));
    // Once per pass: the second pass retries c3 with new distractors, then the run is exhausted.
    expect(report.discarded.rejected_equals_chosen).toBe(2);
    expect(triples).toHaveLength(11);
    expect(triples.some((t) => anchorOf(t).id === 'c3')).toBe(false);
    for (const t of triples) expect(normalizeText(t.rejected)).not.toBe(normalizeText(t.chosen));
  });

  it('discards a non-specific question and records the verdict of kept ones', async () => {
    const gen = stubGenerator({ specific: (_q, anchor) => anchor.id !== 'c5' });
    const { triples, report } = await synthesizeStage1(clips, sim(), gen, base({ count: 12 }));
    expect(report.discarded.not_specific).toBe(2);
    expect(triples.map((t) => anchorOf(t).id)).not.toContain('c5');
    for (const t of triples) {
      expect(t.filters.specificity).toEqual({ specific: true, answerable_by: [], reason: 'only the anchor' });
      expect(t.provenance.texts?.judge?.prompt_id).toBe('judgeSpecificity');
    }
  });

  it('keeps non-specific questions and asks no judge when the filter is off', async () => {
    const gen = stubGenerator({ specific: () => false });
    const { triples, report } = await synthesizeStage1(clips, sim(), gen, base({ count: 5, specificityFilter: false }));
    expect(triples).toHaveLength(5);
    expect(report.discarded.not_specific).toBe(0);
    expect(gen.judged).toBe(0);
    for (const t of triples) expect(t.filters.specificity).toBeUndefined();
  });

  it('removes duplicates: same anchor and same question up to case and punctuation', async () => {
    // c0 is asked once per pass; its third question repeats the first, differently written.
    const texts = ['What colour is the disc?', 'What shape is the disc?', 'what colour is the DISC', 'What size is the disc?'];
    const gen = stubGenerator({ servable: onlyAnchor('c0'), question: (_c, k) => texts[k] ?? `question ${k}` });
    const { triples, report } = await synthesizeStage1(clips, sim(), gen, base({ count: 4, specificityFilter: false }));
    // The duplicate pass keeps nothing, so the run stops there: exhausted before the 4th question.
    expect(triples.map((t) => t.question)).toEqual(['What colour is the disc?', 'What shape is the disc?']);
    expect(report.discarded.duplicate).toBe(1);
    expect(report.exhausted).toBe(true);
    expect(new Set(triples.map((t) => t.id)).size).toBe(2);
  });

  it('stops with `exhausted` when a whole pass keeps nothing new', async () => {
    const gen = stubGenerator();
    const { triples, report } = await synthesizeStage1(clips, sim(), gen, base({ count: 100 }));
    expect(triples).toHaveLength(12);
    expect(report.exhausted).toBe(true);
    expect(report.discarded.duplicate).toBe(12);
    // Duplicates are caught right after the question: no answer or judge calls for the second pass.
    expect(gen.answered).toBe(12);
  });

  it('counts anchors the generator cannot serve once, and uses them as distractors', async () => {
    const gen = stubGenerator({ servable: (c) => Number(c.id.slice(1)) % 2 === 0 });
    const { triples, report } = await synthesizeStage1(clips, sim(), gen, base({ count: 100 }));
    expect(report.skippedAnchors).toBe(6);
    expect(triples).toHaveLength(6);
    expect(triples.flatMap((t) => distractorsOf(t).map((d) => Number(d.id.slice(1)) % 2)).some((odd) => odd === 1)).toBe(true);
  });
});

describe('anchor positions', () => {
  it('balances 1,000 triples over 8 positions (max − min ≤ 1) even with discards', async () => {
    const clips = synthClips(250);
    // A fresh question every time a clip is asked; every 7th question is judged not specific.
    let n = 0;
    const gen = stubGenerator({ question: (c, k) => `Q${k} about ${c.id}`, specific: () => ++n % 7 !== 0 });
    const { triples, report } = await synthesizeStage1(clips, referenceSimilarity(randomEmbeddings(250)), gen, base({ count: 1000 }));
    expect(triples).toHaveLength(1000);
    expect(report.discarded.not_specific).toBeGreaterThan(100);
    const histogram = new Array<number>(8).fill(0);
    for (const t of triples) histogram[t.anchor_index!]! += 1;
    expect(histogram).toEqual(report.positionHistogram);
    expect(Math.max(...histogram) - Math.min(...histogram)).toBeLessThanOrEqual(1);
    expect(report.chiSquare.df).toBe(7);
    expect(report.chiSquare.p).toBeGreaterThan(0.99);
  });

  it('groups positions into coarser buckets when asked', async () => {
    const { report, triples } = await synthesizeStage1(synthClips(40), referenceSimilarity(randomEmbeddings(40)), stubGenerator(), base({ count: 30, positionBuckets: 3 }));
    expect(report.positionHistogram).toHaveLength(3);
    expect(Math.max(...report.positionHistogram) - Math.min(...report.positionHistogram)).toBeLessThanOrEqual(1);
    expect(new Set(triples.map((t) => t.anchor_index)).size).toBeGreaterThan(3);
  });
});

describe('determinism and cancellation', () => {
  const clips = synthClips(60, 3);
  const embeddings = randomEmbeddings(60, 5);

  it('gives byte-identical JSON for the same seed, whatever the concurrency and latency', async () => {
    const run = (p: Partial<Stage1Params>, delayed: boolean) =>
      synthesizeStage1(clips, referenceSimilarity(embeddings), stubGenerator({ question: (c, k) => `Q${k} ${c.id}`, delayMs: delayed ? (key) => key.length % 5 : undefined }), base({ count: 80, ...p }));
    const a = await run({ concurrency: 1, batchSize: 1 }, false);
    const b = await run({ concurrency: 8, batchSize: 50 }, true);
    expect(JSON.stringify(b.triples)).toBe(JSON.stringify(a.triples));
    const { timingsMs: _a, ...ra } = a.report;
    const { timingsMs: _b, ...rb } = b.report;
    expect(rb).toEqual(ra);
    const other = await run({ seed: 2 }, false);
    expect(JSON.stringify(other.triples)).not.toBe(JSON.stringify(a.triples));
    expect(new Set(a.triples.map((t) => t.id)).size).toBe(80);
  });

  it('rejects with AbortError when cancelled mid-run and returns nothing', async () => {
    const controller = new AbortController();
    let calls = 0;
    const gen = stubGenerator({ question: (c, k) => `Q${k} ${c.id}`, delayMs: () => 1 });
    const wrapped: Generator = {
      ...gen,
      anchoredQA: (req, signal) => {
        if (++calls === 70) controller.abort(); // in the third window of 32 attempts
        return gen.anchoredQA(req, signal);
      },
    };
    const progress: number[] = [];
    const run = synthesizeStage1(clips, referenceSimilarity(embeddings), wrapped, base({ count: 200, signal: controller.signal, onProgress: (p) => progress.push(p.produced) }));
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBeLessThan(200);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('returns an empty, exhausted result for no clips and an empty one for count 0', async () => {
    const none = await synthesizeStage1([], referenceSimilarity([]), stubGenerator(), base({ count: 5 }));
    expect(none.triples).toEqual([]);
    expect(none.report).toMatchObject({ produced: 0, attempted: 0, exhausted: true });
    const zero = await synthesizeStage1(clips, referenceSimilarity(embeddings), stubGenerator(), base({ count: 0 }));
    expect(zero.report).toMatchObject({ produced: 0, attempted: 0, exhausted: false });
  });

  it('rejects a similarity row of the wrong length', async () => {
    const short: SimilaritySource = { rows: async (anchors) => anchors.map(() => new Float32Array(3)) };
    await expect(synthesizeStage1(clips, short, stubGenerator(), base())).rejects.toThrow(/row of 3 values for 60 clips/);
  });

  it('rejects settings that cannot make a composite', async () => {
    const sim = referenceSimilarity(embeddings);
    await expect(synthesizeStage1(clips, sim, stubGenerator(), base({ frameBudget: 32, framesPerClip: 32 }))).rejects.toThrow(Stage1ParamsError);
    await expect(synthesizeStage1(clips, sim, stubGenerator(), base({ framesPerClip: 65 }))).rejects.toThrow(/frames per clip/);
    await expect(synthesizeStage1(clips, sim, stubGenerator(), base({ positionBuckets: 9 }))).rejects.toThrow(/position buckets/);
  });
});

describe('oracle end to end on the demo world', () => {
  /** Short clips whole, long videos cut into 8-s clips, as the studio segments them at 1 fps. */
  function worldClips(world: World): SynthClip[] {
    return world.videos.flatMap((v) =>
      (v.kind === 'short' ? [{ startS: 0, endS: v.durationS }] : fixedClips(Math.round(v.durationS), 1, 8)).map((s) => ({
        id: `${v.id}:${s.startS}-${s.endS}`,
        videoId: `sha-${v.id}`,
        videoName: v.fileName,
        startS: s.startS,
        endS: s.endS,
        frameCount: Math.round(s.endS - s.startS),
      })),
    );
  }

  it('every triple has an exact chosen answer, a different rejected answer and a specific question', async () => {
    const world = buildWorld();
    const clips = worldClips(world);
    const { triples, report } = await synthesizeStage1(clips, referenceSimilarity(randomEmbeddings(clips.length, 9, 32)), createOracleGenerator(world), base({ count: 60, frameBudget: 64, framesPerClip: 8 }));
    expect(triples).toHaveLength(60);
    expect(report.discarded).toEqual({ no_dissimilar_distractor: 0, rejected_equals_chosen: 0, not_specific: 0, duplicate: 0, generator_unavailable: 0 });
    for (const t of triples) {
      const a = anchorOf(t);
      const video = world.videos.find((v) => v.fileName === a.video_name)!;
      const truth = questionFromText(world, t.question, { video, startS: a.start_s, endS: a.end_s });
      expect(truth?.answer).toBe(t.chosen);
      expect(normalizeText(t.rejected)).not.toBe(normalizeText(t.chosen));
      expect(t.filters.specificity?.specific).toBe(true);
      expect(t.clips).toHaveLength(8);
      expect(t.clips.every((c) => c.frames === Math.min(8, c.end_s - c.start_s))).toBe(true);
      expect(distractorsOf(t).every((d) => d.video !== a.video)).toBe(true);
      expect(t.prompt).toEqual([{ role: 'user', content: [{ type: 'video' }, { type: 'text', text: t.question }] }]);
      expect(t.provenance).toMatchObject({ generator: 'oracle', model: 'world-v1', prompt_id: 'anchoredQA', seed: 1, schema_version: 1, synthesis: 'stage1@1', created_at: NOW });
      expect(t.provenance.texts?.rejected?.prompt_id).toBe('answer');
      // The published JSON Schema and the importer's semantic rules accept every triple as written.
      expect(tripleIssues(JSON.parse(JSON.stringify(t)))).toEqual([]);
    }
  }, 60_000);

  it('later passes ask each anchor another question: many more triples than clips, none duplicated', async () => {
    const world = buildWorld();
    const clips = worldClips(world);
    const { triples, report } = await synthesizeStage1(clips, referenceSimilarity(randomEmbeddings(clips.length, 9, 32)), createOracleGenerator(world), base({ count: 3 * clips.length, frameBudget: 64, framesPerClip: 8 }));
    expect(triples.length).toBeGreaterThan(2 * clips.length);
    const keys = triples.map((t) => `${anchorOf(t).id}|${normalizeText(t.question)}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(report.attempted).toBeGreaterThan(2 * clips.length);
  }, 120_000);

  it('discards the questions a same-video distractor can answer too (recurring objects)', async () => {
    // One long video only: distractors come from its own far clips, which may show the same objects,
    // so the oracle's honest answer from the distractors is sometimes the true one.
    const world = buildWorld({ shortClips: 0, longVideos: 1, scenesPerLongVideo: [8, 8] });
    const clips = worldClips(world);
    const { triples, report } = await synthesizeStage1(
      clips,
      referenceSimilarity(randomEmbeddings(clips.length, 9, 32)),
      createOracleGenerator(world),
      base({ count: 200, frameBudget: 32, framesPerClip: 8, minSeparationS: 0 }),
    );
    expect(report.discarded.rejected_equals_chosen).toBeGreaterThan(0);
    expect(triples.length).toBeGreaterThan(0);
    for (const t of triples) {
      expect(normalizeText(t.rejected)).not.toBe(normalizeText(t.chosen));
      expect(t.filters.specificity?.specific).toBe(true);
    }
  }, 60_000);
});
