// The demo world's ground-truth oracle as a Generator (DESIGN.md §2 "Generators"): exact
// captions, anchored questions, answers and cross-scene queries for demo-world videos only.

import {
  GeneratorUnavailableError,
  type AnchoredQA,
  type AnchoredQARequest,
  type AnswerRequest,
  type CancelSignal,
  type CaptionRequest,
  type ClipRef,
  type CrossSceneQuery,
  type CrossSceneQueryRequest,
  type Generated,
  type Generator,
  type SpecificityVerdict,
} from '../generators/types';
import { spanCaption, spanFacts } from './describe';
import { entityOf, findVideo } from './lookup';
import { absentAnswer, answerFrom, isSpecificTo } from './query';
import { seedFrom } from './random';
import { clipOnlyQuestion, questionFromText, stage1Questions } from './stage1';
import { answerCrossScene, stage2Queries, type CrossSceneAsk, type DegradedAnswers } from './stage2';
import { nounPhrase } from './text';
import type { World, WorldQA, WorldSpan, WorldVideo } from './types';

/** A cross-scene query this oracle wrote: enough to answer it again from any subset of its scenes. */
interface WrittenCrossScene {
  video: WorldVideo;
  sceneIds: string[];
  spans: { startS: number; endS: number }[];
  ask: CrossSceneAsk;
}

type Role = 'caption' | 'anchoredQA' | 'answer' | 'crossSceneQuery' | 'judgeSpecificity';
/** anchoredQA 2: presence decoys all share one attribute with the true object (src/core/world/stage1.ts). */
const PROMPT_VERSIONS: Record<Role, number> = { caption: 1, anchoredQA: 2, answer: 1, crossSceneQuery: 1, judgeSpecificity: 1 };

const OTHER_GENERATOR_HINT = 'Choose another generator (imported annotations or a model endpoint) for these videos, or use clips of demo-world videos.';

function throwIfAborted(signal?: CancelSignal): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  const error = new Error('Cancelled.');
  error.name = 'AbortError';
  throw error;
}

export interface OracleOptions {
  /** Stage 2 y− from a degraded context: honest (says what is not seen) or guessed (DegradedAnswers). */
  degraded?: DegradedAnswers;
}

export class OracleGenerator implements Generator {
  readonly kind = 'oracle' as const;
  readonly label: string;
  /** Questions this oracle wrote, by text: their answers are exact for the anchor they came from. */
  private readonly written = new Map<string, WorldQA>();
  /**
   * Cross-scene queries this oracle wrote, by text (Stage 2: answered again from degraded
   * contexts). One text can be written for several videos or scene sets ("Which scene shows the
   * red cube first?"), so each text keeps every record, newest last; an answer reads the newest
   * record whose scenes hold every clip it is given.
   */
  private readonly writtenCrossScene = new Map<string, WrittenCrossScene[]>();

  /** How a Stage 2 answer from a degraded context is written (honest by default; see DegradedAnswers). */
  readonly degraded: DegradedAnswers;

  constructor(
    readonly world: World,
    options: OracleOptions = {},
  ) {
    this.degraded = options.degraded ?? 'honest';
    this.label = `Demo world oracle (seed ${world.config.seed}${this.degraded === 'guess' ? ', degraded answers guessed' : ''})`;
  }

  private generated<T>(role: Role, value: T): Generated<T> {
    return { value, provenance: { generator: 'oracle', model: `world-v${this.world.version}`, promptId: role, promptVersion: PROMPT_VERSIONS[role] } };
  }

  /** The world span a clip shows; resolved by file name (with or without extension) or video id. */
  span(clip: ClipRef): WorldSpan {
    const video = findVideo(this.world, clip.videoName) ?? findVideo(this.world, clip.videoId);
    if (!video) throw new GeneratorUnavailableError(`The demo-world oracle only knows demo-world videos; "${clip.videoName}" is not one.`, OTHER_GENERATOR_HINT);
    return { video, startS: clip.startS, endS: clip.endS };
  }

  /** True when this oracle wrote `question` (an anchored question or a cross-scene query). */
  wrote(question: string): boolean {
    return this.written.has(question) || this.writtenCrossScene.has(question);
  }

  private parse(question: string, anchor?: WorldSpan): WorldQA {
    const qa = anchor ? questionFromText(this.world, question, anchor) : (this.written.get(question) ?? questionFromText(this.world, question));
    if (!qa) {
      throw new GeneratorUnavailableError(
        'The demo-world oracle can only read questions written in its own templates.',
        'Let the oracle write the anchored questions too, or choose another generator.',
      );
    }
    return qa;
  }

  /** Exact caption; with `previousCaptions` (recursive captioning) objects shown earlier "return". */
  async caption(req: CaptionRequest, signal?: CancelSignal): Promise<Generated<string>> {
    throwIfAborted(signal);
    const { video, startS, endS } = this.span(req.clip);
    const facts = spanFacts(this.world, video, startS, endS);
    const seenBefore = new Set(req.previousCaptions === undefined ? [] : spanFacts(this.world, video, 0, startS).objects.map((o) => o.entityId));
    return this.generated('caption', spanCaption(this.world, facts, seenBefore));
  }

  async anchoredQA(req: AnchoredQARequest, signal?: CancelSignal): Promise<Generated<AnchoredQA>> {
    throwIfAborted(signal);
    const { video, startS, endS } = this.span(req.clip);
    // Family first, then a question of it: each of the 7 families is equally likely. Variant v
    // moves to the next family, and after every family to the next question of each.
    const questions = stage1Questions(this.world, video, startS, endS);
    const families = [...new Set(questions.map((q) => q.family))];
    const seed = seedFrom('anchoredQA', req.clip.id);
    const v = Math.max(0, Math.floor(req.variant ?? 0));
    const nFamilies = Math.max(1, families.length);
    const ofFamily = questions.filter((q) => q.family === families[(seed + v) % nFamilies]);
    const qa = ofFamily[(Math.floor(seed / 7) + Math.floor(v / nFamilies)) % Math.max(1, ofFamily.length)];
    if (!qa) throw new GeneratorUnavailableError(`Clip ${req.clip.id} shows no object long enough to ask about.`, 'Pick a longer clip (at least 2 s).');
    this.written.set(qa.question, qa);
    const choices = qa.query.family === 'presence' ? [...qa.query.options.map((o) => `the ${nounPhrase(o)}`), absentAnswer(qa.query)] : undefined;
    const clipOnly = req.clipOnly ? clipOnlyQuestion(this.world, qa, { video, startS, endS }) : undefined;
    return this.generated('anchoredQA', { question: qa.question, answer: qa.answer, taskType: qa.taskType, family: qa.family, ...(choices && { choices }), ...(clipOnly !== undefined && { clipOnlyQuestion: clipOnly }) });
  }

  /** What an honest answerer says from `clips` alone (the Stage 1 y− when they are the distractors). */
  async answer(req: AnswerRequest, signal?: CancelSignal): Promise<Generated<string>> {
    throwIfAborted(signal);
    const records = this.writtenCrossScene.get(req.question);
    if (records) {
      // Stage 2: the scenes given are the context (all cited scenes for y+, a degraded one for y−).
      const cross = records.findLast((r) => req.clips.every((c) => r.sceneIds.includes(c.id)));
      if (!cross) throw new GeneratorUnavailableError('The oracle answers a cross-scene query only from scenes of the video it was asked about.', 'Pass scenes of that video.');
      const visible = req.clips.map((c) => cross.sceneIds.indexOf(c.id));
      return this.generated('answer', answerCrossScene(this.world, cross.video, cross.spans, cross.ask, visible, this.degraded));
    }
    const spans = req.clips.map((c) => this.span(c));
    return this.generated('answer', answerFrom(this.world, this.parse(req.question), spans));
  }

  /**
   * One of the video's cross-scene queries, chosen by the clip ids (stable across runs). Like
   * anchoredQA, task family first: variant v moves to the next family, and after every family to
   * the next query of each, so the first variants cover every task type the video allows.
   */
  async crossSceneQuery(req: CrossSceneQueryRequest, signal?: CancelSignal): Promise<Generated<CrossSceneQuery>> {
    throwIfAborted(signal);
    const spans = req.video.map((c) => this.span(c));
    const video = spans[0]?.video;
    if (!video || spans.some((s) => s.video !== video)) {
      throw new GeneratorUnavailableError('A cross-scene query needs the scenes of one demo-world video.', 'Select the scenes of a single long video.');
    }
    const queries = stage2Queries(this.world, video, spans);
    const families = [...new Set(queries.map((q) => q.family))];
    const seed = seedFrom('crossSceneQuery', ...req.video.map((c) => c.id));
    const v = Math.max(0, Math.floor(req.variant ?? 0));
    const nFamilies = Math.max(1, families.length);
    const ofFamily = queries.filter((q) => q.family === families[(seed + v) % nFamilies]);
    const q = ofFamily[(Math.floor(seed / 7) + Math.floor(v / nFamilies)) % Math.max(1, ofFamily.length)];
    if (!q) {
      throw new GeneratorUnavailableError(
        `No cross-scene question fits these ${spans.length} scenes: nothing recurs across them.`,
        'Use a long demo-world video with several scenes.',
      );
    }
    const record: WrittenCrossScene = { video, sceneIds: req.video.map((c) => c.id), spans: spans.map((s) => ({ startS: s.startS, endS: s.endS })), ask: q.ask };
    const records = this.writtenCrossScene.get(q.question) ?? [];
    records.push(record);
    this.writtenCrossScene.set(q.question, records);
    return this.generated('crossSceneQuery', { question: q.question, answer: q.answer, reasoning: q.reasoning, citedScenes: q.citedScenes, taskType: q.taskType });
  }

  async judgeSpecificity(req: { question: string; anchor: ClipRef; others: ClipRef[] }, signal?: CancelSignal): Promise<Generated<SpecificityVerdict>> {
    throwIfAborted(signal);
    const anchor = this.span(req.anchor);
    const others = req.others.map((c) => this.span(c));
    const qa = this.parse(req.question, anchor);
    const { specific, answerableBy } = isSpecificTo(this.world, qa, anchor, others);
    const names = qa.referents.map((id) => `the ${entityOf(this.world, id).name}`).join(', ') || 'its referent';
    const reason = specific
      ? `Only the anchor shows ${names}.`
      : qa.answer === ''
        ? 'The anchor does not show what the question asks about.'
        : answerableBy.length > 0
          ? `${answerableBy.length} other clip(s) also show what the question asks about.`
          : 'The anchor does not answer the question as asked.';
    return this.generated('judgeSpecificity', { specific, answerableBy: answerableBy.map((i) => req.others[i]?.id ?? String(i)), reason });
  }
}

export function createOracleGenerator(world: World, options: OracleOptions = {}): Generator {
  return new OracleGenerator(world, options);
}

/**
 * The oracle of several demo worlds (a study's training worlds, docs/evaluation.md): each request
 * goes to the world whose videos its clips are. A request's clips must all be of one world: a
 * question is written in its world's names, and another world may use the same names for other
 * things, so no answer across worlds would be exact. Stage 1 synthesis therefore composes each
 * world apart (the Reproduce panel does; `longvpo merge` joins worlds synthesized apart).
 */
export class WorldsOracle implements Generator {
  readonly kind = 'oracle' as const;
  readonly label: string;
  private readonly oracles: OracleGenerator[];
  readonly degraded: DegradedAnswers;

  constructor(worlds: readonly World[], options: OracleOptions = {}) {
    this.degraded = options.degraded ?? 'honest';
    if (worlds.length === 0) throw new RangeError('the oracle needs at least one world');
    this.oracles = worlds.map((w) => new OracleGenerator(w, options));
    const seeds = worlds.map((w) => w.config.seed);
    this.label = seeds.length === 1 ? (this.oracles[0] as OracleGenerator).label : `Demo world oracle (${seeds.length} worlds, seeds ${seeds.join(', ')}${this.degraded === 'guess' ? '; degraded answers guessed' : ''})`;
  }

  /** The one oracle whose world holds every clip's video. */
  private of(clips: readonly ClipRef[]): OracleGenerator {
    const found = clips.map((c) => this.oracles.find((o) => findVideo(o.world, c.videoName) ?? findVideo(o.world, c.videoId)));
    const missing = clips.findIndex((_, i) => !found[i]);
    if (missing >= 0) throw new GeneratorUnavailableError(`The demo-world oracle only knows demo-world videos; "${clips[missing]?.videoName}" is not one.`, OTHER_GENERATOR_HINT);
    const worlds = [...new Set(found.map((o) => (o as OracleGenerator).world.config.seed))];
    if (worlds.length > 1)
      throw new GeneratorUnavailableError(
        `The demo-world oracle answers from the clips of one world; these come from the worlds of seeds ${worlds.join(' and ')}.`,
        'Keep one demo world in the library (Library → Demo world → Remove demo worlds, then Run demo), or let Reproduce LongVPO synthesize its worlds, each apart.',
      );
    return found[0] as OracleGenerator;
  }

  async caption(req: CaptionRequest, signal?: CancelSignal): Promise<Generated<string>> {
    return this.of([req.clip]).caption(req, signal);
  }

  async anchoredQA(req: AnchoredQARequest, signal?: CancelSignal): Promise<Generated<AnchoredQA>> {
    return this.of([req.clip]).anchoredQA(req, signal);
  }

  async answer(req: AnswerRequest, signal?: CancelSignal): Promise<Generated<string>> {
    // No clips to look at: the world that wrote the question answers (that nothing is shown).
    const writer = this.oracles.find((o) => o.wrote(req.question));
    const oracle = req.clips.length > 0 ? this.of(req.clips) : (writer ?? (this.oracles[0] as OracleGenerator));
    // Clips of one world asked a question another world wrote (a Stage 1 anchor of one world among
    // distractors of another): its names mean other things there, so no answer would be exact.
    if (writer && !oracle.wrote(req.question))
      throw new GeneratorUnavailableError(
        `The demo-world oracle answers from the clips of one world; this question was written for the world of seed ${writer.world.config.seed}, these clips are of seed ${oracle.world.config.seed}.`,
        'Keep one demo world in the library (Library → Demo world → Remove demo worlds, then Run demo), or let Reproduce LongVPO synthesize its worlds, each apart.',
      );
    return oracle.answer(req, signal);
  }

  async crossSceneQuery(req: CrossSceneQueryRequest, signal?: CancelSignal): Promise<Generated<CrossSceneQuery>> {
    return this.of(req.video).crossSceneQuery(req, signal);
  }

  async judgeSpecificity(req: { question: string; anchor: ClipRef; others: ClipRef[] }, signal?: CancelSignal): Promise<Generated<SpecificityVerdict>> {
    return this.of([req.anchor, ...req.others]).judgeSpecificity(req, signal);
  }
}

/** The oracle of the library's demo worlds: one world's, or a router over several. */
export function createWorldsOracle(worlds: readonly World[], options: OracleOptions = {}): Generator {
  return worlds.length === 1 ? new OracleGenerator(worlds[0] as World, options) : new WorldsOracle(worlds, options);
}
