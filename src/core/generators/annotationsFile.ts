// Reading an imported annotations file (issue #4): the studio's own JSONL or LLaVA-Video-178K-style
// caption/QA JSON, validated record by record with line numbers (docs/annotations.md). Pure: the
// text comes in as a string. The generator that serves the records is in imported.ts.
import type { AnchoredQA, CrossSceneQuery, Stage1TaskType, Stage2TaskType } from './types';
import { Issues, isRecord, readRecords, type ImportIssue, type RecordFormat } from '../jsonRecords';
import { citedSceneNumbers } from '../synthesis/stage2Citations';

export type AnnotationFormat = 'annotations-jsonl' | 'llava-video';

/** One record of an annotations file, validated. Times in seconds. */
export interface ImportedAnnotation {
  /** File name, path or library video id, as written in the file. */
  video: string;
  /** Both set, or both undefined: the record then covers the whole video. */
  startS?: number;
  endS?: number;
  caption?: string;
  qa: AnchoredQA[];
  crossScene: ImportedCrossScene[];
  /** 0-based scene index within the video (informational). */
  sceneIndex?: number;
  format: AnnotationFormat;
  /** 1-based line where the record starts in the source text. */
  line: number;
}

/** What an answerer who sees only `scenes` of the video says: a Stage 2 rejected answer (y−). */
export interface DegradedAnswer {
  /** 0-based scene indices of the degraded context; never every cited scene. */
  scenes: number[];
  answer: string;
}

/** A cross-scene query as the file gives it: the query plus its answers from degraded contexts. */
export interface ImportedCrossScene extends CrossSceneQuery {
  /** Optional (records stored before the field existed have none). */
  degradedAnswers?: DegradedAnswer[];
}

export type AnnotationParseResult =
  | { ok: true; annotations: ImportedAnnotation[]; warnings: ImportIssue[] }
  | { ok: false; errors: ImportIssue[]; /** Errors found beyond `maxErrors`, not listed. */ moreErrors: number };

const STAGE1_TASKS: readonly Stage1TaskType[] = ['anchored_qa', 'detail'];
const STAGE2_TASKS: readonly Stage2TaskType[] = ['temporal_order', 'cross_scene_association', 'visual_semantic', 'detail', 'counting'];
const STUDIO_FIELDS = ['video', 'start_s', 'end_s', 'caption', 'qa', 'scene_index', 'cross_scene'];
const LLAVA_FIELDS = ['id', 'video', 'conversations', 'data_source'];
const ANNOTATIONS_FILE: RecordFormat = {
  lineSyntaxError: (detail) => `Not valid JSON (${detail}). Each line must be one complete JSON object.`,
  arraySyntaxError: (detail) => `Not valid JSON (${detail}). Fix the syntax there; the file is read as one JSON array.`,
  prettyPrinted: 'Not valid JSON: JSONL needs each object on one line; this file looks pretty-printed. Put each record on its own line, or wrap the records in a JSON array [ … ].',
  // One pretty-printed object is fine; several are not JSONL.
  acceptOnePrettyObject: true,
};

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses an annotations file: studio JSONL (one object per line), a JSON array of studio
 * objects, or a LLaVA-Video-style JSON array / JSONL of `{id, video, conversations}`. All errors
 * are collected (up to `maxErrors`); any error fails the whole parse, so nothing is half-applied.
 */
export function parseAnnotations(text: string, options: { maxErrors?: number } = {}): AnnotationParseResult {
  const issues = new Issues({
    maxErrors: options.maxErrors ?? 100,
    capWarnings: true,
    unknownField: (field, lines) => `Field "${field}" is not used and was ignored (lines ${lines}). Check its spelling against docs/annotations.md.`,
  });
  const records = readRecords(text, issues, ANNOTATIONS_FILE);

  const annotations: ImportedAnnotation[] = [];
  for (const r of records) {
    if (r.syntaxError !== undefined) {
      issues.error(r.line, r.syntaxError);
      continue;
    }
    const errors: string[] = [];
    const a = isRecord(r.value) && 'conversations' in r.value ? llavaRecord(r.value, errors, issues, r.line) : studioRecord(r.value, errors, issues, r.line);
    for (const e of errors) issues.error(r.line, r.where + e);
    if (a && errors.length === 0) annotations.push(a);
  }
  if (issues.errors.length === 0 && annotations.length === 0) issues.error(1, 'The file holds no annotations: write one JSON object per line (see docs/annotations.md).');
  if (issues.errors.length > 0) return { ok: false, errors: issues.errors, moreErrors: issues.dropped };
  warnDuplicates(annotations, issues);
  warnNoRejected(annotations, issues);
  return { ok: true, annotations, warnings: issues.summariseWarnings() };
}

// ---------------------------------------------------------------------------------------------
// Record validation: each reader appends "field: problem + fix" messages to `errors`.

function readText(obj: Record<string, unknown>, key: string, path: string, errors: string[], required: boolean): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) errors.push(`"${path}" is missing: add it as a non-empty string.`);
    return undefined;
  }
  if (typeof v !== 'string' || !v.trim()) {
    errors.push(`"${path}" must be a non-empty string (got ${describe(v)}).`);
    return undefined;
  }
  return v.trim();
}

function oneOf<T extends string>(obj: Record<string, unknown>, key: string, path: string, allowed: readonly T[], fallback: T, errors: string[]): T {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  errors.push(`"${path}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${describe(v)}).`);
  return fallback;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.trim() ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : 'an empty string';
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

function studioRecord(v: unknown, errors: string[], issues: Issues, line: number): ImportedAnnotation | undefined {
  if (!isRecord(v)) {
    errors.push(`Expected a JSON object like {"video": "talk.mp4", "start_s": 0, "end_s": 8, "caption": "…"} (got ${describe(v)}).`);
    return undefined;
  }
  for (const k of Object.keys(v)) if (!STUDIO_FIELDS.includes(k)) issues.unknownField(line, k);
  const video = readText(v, 'video', 'video', errors, true);
  const { startS, endS } = timeSpan(v, errors);
  const caption = readText(v, 'caption', 'caption', errors, false);
  const qa = list(v, 'qa', errors).map((q, i) => qaItem(q, `qa[${i}]`, errors));
  const crossScene = list(v, 'cross_scene', errors).map((q, i) => crossSceneItem(q, `cross_scene[${i}]`, errors));
  let sceneIndex: number | undefined;
  if (v.scene_index !== undefined && v.scene_index !== null) {
    if (Number.isInteger(v.scene_index) && (v.scene_index as number) >= 0) sceneIndex = v.scene_index as number;
    else errors.push(`"scene_index" must be a whole number ≥ 0, the scene's 0-based position in the video (got ${describe(v.scene_index)}).`);
  }
  if (caption === undefined && qa.length === 0 && crossScene.length === 0 && !errors.length) {
    errors.push('The record has nothing to import: add "caption", "qa" or "cross_scene".');
  }
  if (!video || errors.length) return undefined;
  return { video, startS, endS, caption, qa: qa.filter((q) => q !== undefined), crossScene: crossScene.filter((q) => q !== undefined), sceneIndex, format: 'annotations-jsonl', line };
}

function timeSpan(v: Record<string, unknown>, errors: string[]): { startS?: number; endS?: number } {
  const has = (k: string) => v[k] !== undefined && v[k] !== null;
  if (!has('start_s') && !has('end_s')) return {};
  if (!has('start_s') || !has('end_s')) {
    errors.push(`"${has('start_s') ? 'end_s' : 'start_s'}" is missing: give both "start_s" and "end_s" in seconds, or neither for the whole video.`);
    return {};
  }
  const [s, e] = [v.start_s, v.end_s];
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) errors.push(`"start_s" must be a number of seconds ≥ 0 (got ${describe(s)}).`);
  else if (typeof e !== 'number' || !Number.isFinite(e)) errors.push(`"end_s" must be a number of seconds (got ${describe(e)}).`);
  else if (e <= s) errors.push(`"end_s" (${e}) must be greater than "start_s" (${s}).`);
  else return { startS: s, endS: e };
  return {};
}

function list(v: Record<string, unknown>, key: string, errors: string[], path = key): unknown[] {
  const x = v[key];
  if (x === undefined || x === null) return [];
  if (Array.isArray(x)) return x;
  errors.push(`"${path}" must be an array of objects (got ${describe(x)}).`);
  return [];
}

function qaItem(q: unknown, path: string, errors: string[]): AnchoredQA | undefined {
  if (!isRecord(q)) {
    errors.push(`"${path}" must be an object {"question": "…", "answer": "…"} (got ${describe(q)}).`);
    return undefined;
  }
  const question = readText(q, 'question', `${path}.question`, errors, true);
  const answer = readText(q, 'answer', `${path}.answer`, errors, true);
  const family = readText(q, 'family', `${path}.family`, errors, false) ?? 'open';
  const taskType = oneOf(q, 'task_type', `${path}.task_type`, STAGE1_TASKS, 'anchored_qa', errors);
  return question && answer ? { question, answer, family, taskType } : undefined;
}

function crossSceneItem(q: unknown, path: string, errors: string[]): ImportedCrossScene | undefined {
  if (!isRecord(q)) {
    errors.push(`"${path}" must be an object {"question", "answer", "reasoning", "cited_scenes"} (got ${describe(q)}).`);
    return undefined;
  }
  const before = errors.length;
  const question = readText(q, 'question', `${path}.question`, errors, true);
  const answer = readText(q, 'answer', `${path}.answer`, errors, true);
  const reasoning = readText(q, 'reasoning', `${path}.reasoning`, errors, true);
  const taskType = oneOf(q, 'task_type', `${path}.task_type`, STAGE2_TASKS, 'cross_scene_association', errors);
  const cited = q.cited_scenes;
  const citedOk = Array.isArray(cited) && cited.length > 0 && cited.every((k) => isSceneIndex(k));
  if (!citedOk) errors.push(`"${path}.cited_scenes" must be a non-empty array of 0-based scene indices, e.g. [0, 3] (got ${describe(cited)}).`);
  const citedScenes = citedOk ? [...new Set(cited as number[])] : [];
  const degraded = list(q, 'degraded_answers', errors, `${path}.degraded_answers`).map((d, i) => degradedItem(d, `${path}.degraded_answers[${i}]`, citedOk ? citedScenes : undefined, errors));
  // Stage 2 takes the relevance chain from the reasoning's "Scene #k" and asks for the chosen
  // answer with those scenes; cited_scenes decides which answer that is. If they disagreed, a
  // degraded answer could be recorded as the chosen one.
  const mentioned = reasoning ? citedSceneNumbers(reasoning).map((k) => k - 1) : [];
  if (citedOk && mentioned.length > 0 && (mentioned.length !== citedScenes.length || mentioned.some((k) => !citedScenes.includes(k))))
    errors.push(`"${path}.reasoning" cites ${mentioned.map((k) => `Scene #${k + 1}`).join(', ')} but "${path}.cited_scenes" is ${JSON.stringify(citedScenes)} (0-based): make them name the same scenes, since Stage 2 follows the reasoning's citations.`);
  if (!question || !answer || !reasoning || !citedOk || errors.length > before) return undefined;
  const out: ImportedCrossScene = { question, answer, reasoning, citedScenes, taskType };
  const degradedAnswers = degraded.filter((d) => d !== undefined);
  if (degradedAnswers.length) out.degradedAnswers = degradedAnswers;
  return out;
}

function isSceneIndex(k: unknown): k is number {
  return Number.isInteger(k) && (k as number) >= 0;
}

/** `{"scenes": [0], "answer": "…"}`: the scenes must leave out at least one cited scene (else it is not degraded). */
function degradedItem(d: unknown, path: string, cited: readonly number[] | undefined, errors: string[]): DegradedAnswer | undefined {
  if (!isRecord(d)) {
    errors.push(`"${path}" must be an object {"scenes": [0], "answer": "…"}: the answer of someone who sees only those scenes (got ${describe(d)}).`);
    return undefined;
  }
  const answer = readText(d, 'answer', `${path}.answer`, errors, true);
  const scenes = d.scenes;
  if (!Array.isArray(scenes) || scenes.length === 0 || !scenes.every((k) => isSceneIndex(k))) {
    errors.push(`"${path}.scenes" must be a non-empty array of 0-based scene indices, e.g. [0] (got ${describe(scenes)}).`);
    return undefined;
  }
  const set = [...new Set(scenes as number[])].sort((a, b) => a - b);
  if (cited && cited.every((k) => set.includes(k))) {
    errors.push(`"${path}.scenes" holds every cited scene (${JSON.stringify([...cited].sort((a, b) => a - b))}): a degraded context must leave out at least one of them (partial evidence) or cite none (irrelevance).`);
    return undefined;
  }
  return answer ? { scenes: set, answer } : undefined;
}

/** `<image>` / `<video>` placeholders of LLaVA-style prompts. */
export const MEDIA_TOKEN = /<(image|video)>/g;
/** LLaVA-Video caption prompts ask to describe/caption the video (e.g. "Please describe this video in detail."). */
const CAPTION_VERB = /\b(describe|description|caption|narrat\w*|depict\w*|summar\w*|elaborate|overview|breakdown|recount)\b/i;
const CAPTION_OBJECT = /\b(video|clip|footage|scene|content|events?)\b/i;

function llavaRecord(v: Record<string, unknown>, errors: string[], issues: Issues, line: number): ImportedAnnotation | undefined {
  for (const k of Object.keys(v)) if (!LLAVA_FIELDS.includes(k)) issues.unknownField(line, k);
  const video = readText(v, 'video', 'video', errors, true);
  const turns = v.conversations;
  if (!Array.isArray(turns) || turns.length < 2) {
    errors.push(`"conversations" must be an array of {"from": "human" | "gpt", "value": "…"} turns, at least one pair (got ${describe(turns)}).`);
    return undefined;
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < turns.length; i += 2) {
    const human = llavaTurn(turns[i], i, 'human', errors);
    const gpt = llavaTurn(turns[i + 1], i + 1, 'gpt', errors);
    if (human !== undefined && gpt !== undefined) pairs.push([human.replace(MEDIA_TOKEN, '').trim(), gpt]);
  }
  if (turns.length % 2 === 1) issues.warn(line, `The last turn of "conversations" (index ${turns.length - 1}) has no reply and was ignored.`);
  if (!video || errors.length) return undefined;
  let caption: string | undefined;
  const qa: AnchoredQA[] = [];
  pairs.forEach(([question, answer], i) => {
    if (i === 0 && CAPTION_VERB.test(question) && CAPTION_OBJECT.test(question)) caption = answer;
    else qa.push({ question, answer, family: /\n\s*\(?[A-D][.)]\s/.test(question) ? 'multiple_choice' : 'open_ended', taskType: 'anchored_qa' });
  });
  return { video, caption, qa, crossScene: [], format: 'llava-video', line };
}

function llavaTurn(t: unknown, i: number, expected: 'human' | 'gpt', errors: string[]): string | undefined {
  const aliases = expected === 'human' ? ['human', 'user'] : ['gpt', 'assistant'];
  if (!isRecord(t) || !aliases.includes(t.from as string)) {
    errors.push(`"conversations[${i}].from" must be "${expected}": turns alternate human, gpt, human, … (got ${describe(isRecord(t) ? t.from : t)}).`);
    return undefined;
  }
  return readText(t, 'value', `conversations[${i}].value`, errors, true);
}

function warnDuplicates(annotations: ImportedAnnotation[], issues: Issues): void {
  const seen = new Map<string, number>();
  for (const a of annotations) {
    if (a.caption === undefined) continue;
    const key = `${a.video}\u0000${a.startS ?? ''}\u0000${a.endS ?? ''}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, a.line);
    else issues.warn(a.line, `A second caption for ${a.video} ${spanText(a.startS, a.endS)} (the first is on line ${first}); the first one is used.`);
  }
}

/**
 * One warning for the cross-scene queries Stage 2 cannot turn into triples: a triple's rejected
 * answer comes from a degraded context, and the file gives none for them (no "degraded_answers",
 * and no record of the video has a "qa" with the same question for a scene to answer alone).
 */
function warnNoRejected(annotations: readonly ImportedAnnotation[], issues: Issues): void {
  const asked = new Map<string, Set<string>>();
  for (const a of annotations) {
    const key = videoKey(a.video);
    const set = asked.get(key) ?? new Set<string>();
    for (const q of a.qa) set.add(normalizeQuestion(q.question));
    asked.set(key, set);
  }
  const lacking: string[] = [];
  let firstLine = 0;
  for (const a of annotations) {
    a.crossScene.forEach((q, i) => {
      if (q.degradedAnswers?.length || asked.get(videoKey(a.video))?.has(normalizeQuestion(q.question))) return;
      if (!firstLine) firstLine = a.line;
      lacking.push(`line ${a.line} cross_scene[${i}]`);
    });
  }
  if (!lacking.length) return;
  const shown = lacking.slice(0, 5).join(', ') + (lacking.length > 5 ? ` and ${lacking.length - 5} more` : '');
  const n = lacking.length;
  issues.warn(
    firstLine,
    `${n} cross-scene ${n === 1 ? 'query has' : 'queries have'} no rejected answer, so Stage 2 makes no triple from ${n === 1 ? 'it' : 'them'} (${shown}): a rejected answer is what someone who sees only some of the scenes says. Add "degraded_answers": [{"scenes": [0], "answer": "…"}] to each (0-based scenes, leaving out at least one cited scene), or a "qa" with the same question to a scene's record (docs/annotations.md).`,
  );
}

/** The key records of one video share in warnNoRejected: last path segment without extension, lower-case. */
function videoKey(video: string): string {
  const name = (video.split(/[\\/]/).pop() ?? video).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Lower-case, media tokens removed, whitespace collapsed, trailing ?.! dropped: how questions are matched. */
export function normalizeQuestion(q: string): string {
  return q.replace(MEDIA_TOKEN, ' ').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[?.!]+$/, '').trim();
}

/** "0–8 s" or "(whole video)", for messages. */
export function spanText(startS: number | undefined, endS: number | undefined): string {
  return startS === undefined || endS === undefined ? '(whole video)' : `${startS}–${endS} s`;
}
