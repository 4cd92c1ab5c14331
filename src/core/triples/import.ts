// Triple import (issue #5, docs/triples.md): JSONL text or a JSON array holding either studio
// triples (validated against schemas/triple.v1.schema.json plus the semantic rules of
// validate.ts) or LongVPO release rows (`video`, `task_type`, `question`, `chosen`, `rejected`),
// which are converted to studio triples with documented defaults. The format is detected once per
// file. Pure: text in, triples or errors out; storing is the caller's job.
//
// Must: all or nothing. Any error fails the whole file and returns NO triples, so the caller
// stores nothing (DESIGN.md §5). Must: report every bad line (up to `maxErrors`, then a count),
// each as `line N: <field path> <what is wrong> (<how to fix>)`.

import { UserFacingError } from '../errors';
import { issueList } from '../generators/importReport';
import { Issues, isRecord, readRecords, type ImportIssue, type RecordFormat } from '../jsonRecords';
import { canonicalTriple, clipReference } from './exports';
import { conversationalPrompt, TRIPLE_SCHEMA_VERSION, type RejectedStrategy, type Triple, type TripleClip } from './types';
import { describe, tripleIssues } from './validate';

export type TripleFileFormat = 'studio' | 'longvpo';

export type TripleImportResult =
  | { ok: true; format: TripleFileFormat; triples: Triple[]; warnings: ImportIssue[] }
  | { ok: false; format: TripleFileFormat | 'unknown'; errors: ImportIssue[]; /** Errors beyond `maxErrors`, not listed. */ moreErrors: number };

export interface TripleImportOptions {
  /** Errors listed before the rest are only counted (default 50). */
  maxErrors?: number;
  /** Name of the file, recorded as `provenance.model` of converted LongVPO rows. */
  sourceName?: string;
  /** ISO time recorded as `provenance.created_at` of converted LongVPO rows (default: now). */
  now?: string;
}

export const FORMAT_NAMES: Record<TripleFileFormat, string> = { studio: 'studio triples (JSONL)', longvpo: 'LongVPO release rows' };

const STUDIO_FIELDS = new Set(['id', 'stage', 'task_type', 'video', 'clips', 'anchor_index', 'relevant_clips', 'question', 'chosen', 'rejected', 'rejected_strategy', 'prompt', 'filters', 'reasoning', 'scene_captions', 'ref_chosen_logps', 'ref_rejected_logps', 'provenance']);
const LONGVPO_FIELDS = new Set(['video', 'task_type', 'question', 'chosen', 'rejected', 'id', 'stage', 'anchor_index', 'relevant_clips', 'rejected_strategy', 'reasoning']);
/** Fields only a studio triple has: one of them on the first record makes the file a studio file. */
const STUDIO_MARKERS = ['clips', 'prompt', 'provenance'];
const TRIPLE_FILE: RecordFormat = {
  lineSyntaxError: (detail) => `is not valid JSON: ${detail} (each line must be one complete JSON object)`,
  arraySyntaxError: (detail) => `is not valid JSON: ${detail} (the file is read as one JSON array; fix the syntax there)`,
  prettyPrinted: 'the file is not JSONL: it looks pretty-printed (put each triple on one line, or wrap the triples in a JSON array [ … ])',
};

/** Parses a triples file. Detects the format from the first record; see docs/triples.md. */
export function parseTriples(text: string, options: TripleImportOptions = {}): TripleImportResult {
  const issues = new Issues({ maxErrors: options.maxErrors ?? 50, unknownField: (field, lines) => `${field} is not a known field and was dropped (lines ${lines}; check its spelling against docs/triples.md)` });
  const records = readRecords(text, issues, TRIPLE_FILE);
  const first = records.find((r) => isRecord(r.value));
  const format: TripleFileFormat = first && looksLike(first.value) === 'longvpo' ? 'longvpo' : 'studio';
  const firstLine = first?.line ?? 1;
  const converter = new LongVpoConverter(options, issues);

  const triples: Triple[] = [];
  const idLines = new Map<string, number>();
  for (const r of records) {
    if (r.syntaxError !== undefined) {
      issues.error(r.line, r.syntaxError);
      continue;
    }
    const seen = looksLike(r.value);
    if (seen && seen !== format) {
      issues.error(r.line, `${r.where}this record looks like ${FORMAT_NAMES[seen]}, but line ${firstLine} made this a file of ${FORMAT_NAMES[format]} (a file holds one format: split it in two)`);
      continue;
    }
    const errors: string[] = [];
    const triple = format === 'studio' ? studioTriple(r.value, errors, issues, r.line) : converter.triple(r.value, errors, r.line);
    for (const e of errors) issues.error(r.line, r.where + e);
    if (!triple || errors.length) continue;
    const earlier = idLines.get(triple.id);
    if (earlier !== undefined) {
      issues.error(r.line, `${r.where}id ${JSON.stringify(triple.id)} is also used on line ${earlier} (ids must be unique within a file: give one of them a new id, or remove the repeated record)`);
      continue;
    }
    idLines.set(triple.id, r.line);
    triples.push(triple);
  }
  if (issues.errors.length === 0 && issues.dropped === 0 && triples.length === 0) {
    issues.error(1, 'the file holds no triples (write one JSON object per line; see docs/triples.md)');
  }
  if (issues.errors.length > 0 || issues.dropped > 0) return { ok: false, format: records.some((r) => isRecord(r.value)) ? format : 'unknown', errors: issues.errors, moreErrors: issues.dropped };
  converter.summarise(firstLine);
  return { ok: true, format, triples, warnings: issues.summariseWarnings() };
}

/**
 * The single error for a triples file that failed to import. Nothing from it is stored, and the
 * message says so (DESIGN.md §5).
 */
export function tripleImportFailure(fileName: string, errors: readonly ImportIssue[], moreErrors = 0): UserFacingError {
  const total = errors.length + moreErrors;
  return new UserFacingError(
    `${fileName} was not imported (${total} ${total === 1 ? 'problem' : 'problems'}; nothing from it was stored): ${issueList(errors, moreErrors)}.`,
    'Fix those lines and import the file again. The accepted forms (studio triples JSONL, LongVPO release rows, or a JSON array of either) are described in docs/triples.md.',
  );
}

function looksLike(v: unknown): TripleFileFormat | undefined {
  if (!isRecord(v)) return undefined;
  if (STUDIO_MARKERS.some((k) => k in v)) return 'studio';
  return 'question' in v || 'video' in v ? 'longvpo' : undefined;
}

function studioTriple(v: unknown, errors: string[], issues: Issues, line: number): Triple | undefined {
  errors.push(...tripleIssues(v));
  if (errors.length || !isRecord(v)) return undefined;
  for (const k of Object.keys(v)) if (!STUDIO_FIELDS.has(k)) issues.unknownField(line, k);
  return canonicalTriple(v as unknown as Triple);
}

// ---------------------------------------------------------------------------------------------
// LongVPO release rows → studio triples

/** Task type spellings of the paper (§4: "temporal order analysis", …) → the studio's ids. */
const TASK_ALIASES: Record<string, string> = {
  anchored_qa: 'anchored_qa',
  detail: 'detail',
  detail_comprehension: 'detail',
  temporal_order: 'temporal_order',
  temporal_order_analysis: 'temporal_order',
  cross_scene_association: 'cross_scene_association',
  cross_temporal_scene_association: 'cross_scene_association',
  visual_semantic: 'visual_semantic',
  visual_semantic_understanding: 'visual_semantic',
  counting: 'counting',
};
const TASK_HINT = `one of ${[...new Set(Object.values(TASK_ALIASES))].map((t) => `"${t}"`).join(', ')}; see docs/triples.md`;
/** A clip reference without `#t=` is read as a whole file of this many seconds (paper: anchors up to 64 frames at 1 fps). */
export const WHOLE_FILE_CLIP_S = 64;

class LongVpoConverter {
  private wholeFileClips = 0;
  private defaultRelevant = 0;
  private defaultStrategy = 0;
  private readonly now: string;
  constructor(
    private readonly options: TripleImportOptions,
    private readonly issues: Issues,
  ) {
    this.now = options.now ?? new Date().toISOString();
  }

  triple(v: unknown, errors: string[], line: number): Triple | undefined {
    if (!isRecord(v)) {
      errors.push(`(the record) must be an object, got ${describe(v)} (one LongVPO row: {"video": [...], "task_type": "...", "question": "...", "chosen": "...", "rejected": "..."})`);
      return undefined;
    }
    for (const k of Object.keys(v)) if (!LONGVPO_FIELDS.has(k)) this.issues.unknownField(line, k);
    const refs = typeof v.video === 'string' ? [v.video] : v.video;
    const question = text(v, 'question', 'the question text', errors);
    const chosen = text(v, 'chosen', 'the preferred answer text', errors);
    const rejected = text(v, 'rejected', 'the dispreferred answer text', errors);
    const taskType = this.taskType(v.task_type, errors);
    if (!Array.isArray(refs) || refs.length === 0) {
      errors.push(v.video === undefined ? 'video is missing (add it: the ordered list of clip references, e.g. ["talk.webm#t=0,8"])' : `video must be a non-empty list of clip references, got ${describe(v.video)} (e.g. ["talk.webm#t=0,8", "talk.webm#t=8,16"])`);
    }
    const spans = Array.isArray(refs) ? refs.map((r, i) => parseReference(r, `video[${i}]`, errors)) : [];
    const stage = v.stage === undefined ? (taskType === 'anchored_qa' ? 1 : 2) : v.stage;
    if (stage !== 1 && stage !== 2) errors.push(`stage must be one of 1, 2, got ${describe(stage)} (leave it out to take the stage from task_type)`);
    if (errors.length || !question || !chosen || !rejected || !taskType || (stage !== 1 && stage !== 2)) return undefined;

    const n = spans.length;
    let anchorIndex = v.anchor_index;
    if (stage === 1 && anchorIndex === undefined) {
      if (n === 1) anchorIndex = 0;
      else errors.push(`anchor_index is missing (a Stage 1 row with ${n} clips needs the anchor's 0-based position in video: add an "anchor_index" column)`);
    }
    let relevant = v.relevant_clips;
    if (stage === 2 && relevant === undefined) {
      relevant = spans.map((_, i) => i);
      this.defaultRelevant++;
    }
    let strategy = v.rejected_strategy;
    if (strategy === undefined) {
      strategy = stage === 1 ? 'distractor_answer' : 'partial_evidence';
      if (stage === 2) this.defaultStrategy++;
    }
    if (errors.length) return undefined;
    this.wholeFileClips += spans.filter((s) => s && !s.exact).length;

    const clips: TripleClip[] = spans.map((s, i) => {
      const span = s ?? { videoName: '', startS: 0, endS: 1, exact: true };
      const role: TripleClip['role'] = stage === 2 ? 'scene' : i === anchorIndex ? 'anchor' : 'distractor';
      const ref = clipReference({ video_name: span.videoName, start_s: span.startS, end_s: span.endS });
      return { id: ref, video: span.videoName, video_name: span.videoName, start_s: span.startS, end_s: span.endS, frames: Math.max(1, Math.round(span.endS - span.startS)), role };
    });
    const candidate: Record<string, unknown> = {
      id: typeof v.id === 'string' && v.id ? v.id : `lv-${hash53(JSON.stringify([refs, taskType, question, chosen, rejected]))}`,
      stage,
      task_type: taskType,
      video: clips.map((c) => c.id),
      clips,
      ...(anchorIndex !== undefined ? { anchor_index: anchorIndex } : {}),
      ...(relevant !== undefined ? { relevant_clips: relevant } : {}),
      question,
      chosen,
      rejected,
      rejected_strategy: strategy as RejectedStrategy,
      prompt: conversationalPrompt(question),
      filters: {},
      ...(typeof v.reasoning === 'string' ? { reasoning: v.reasoning } : {}),
      provenance: {
        generator: 'imported',
        model: this.options.sourceName ?? 'longvpo-release',
        prompt_id: 'longvpo-release',
        prompt_version: 1,
        seed: 0,
        schema_version: TRIPLE_SCHEMA_VERSION,
        synthesis: 'imported@1',
        created_at: this.now,
      },
    };
    errors.push(...tripleIssues(candidate));
    return errors.length ? undefined : canonicalTriple(candidate as unknown as Triple);
  }

  private taskType(v: unknown, errors: string[]): string | undefined {
    if (typeof v !== 'string' || !v.trim()) {
      errors.push(v === undefined ? `task_type is missing (add it: ${TASK_HINT})` : `task_type must be a non-empty string, got ${describe(v)} (${TASK_HINT})`);
      return undefined;
    }
    const id = TASK_ALIASES[v.trim().toLowerCase().replace(/[\s-]+/g, '_')];
    if (!id) errors.push(`task_type ${JSON.stringify(v)} is not a known task type (${TASK_HINT})`);
    return id;
  }

  /** The defaults applied, once per file (not once per line). */
  summarise(line: number): void {
    if (this.defaultRelevant) this.issues.warn(line, `${this.defaultRelevant} Stage 2 row(s) had no relevant_clips: every scene was marked relevant (add a "relevant_clips" column to be exact)`);
    if (this.defaultStrategy) this.issues.warn(line, `${this.defaultStrategy} Stage 2 row(s) had no rejected_strategy: "partial_evidence" was assumed (add a "rejected_strategy" column to be exact)`);
    if (this.wholeFileClips) this.issues.warn(line, `${this.wholeFileClips} clip reference(s) had no #t=start,end: each was read as a whole file of ${WHOLE_FILE_CLIP_S} s (write "file.webm#t=0,8" to be exact)`);
  }
}

interface Span {
  videoName: string;
  startS: number;
  endS: number;
  /** False when the reference had no `#t=` and the default span was used. */
  exact: boolean;
}

/** `talk.webm#t=8,16` (or `#t=npt:8,16`) → its file and span; a bare file name → 0 to WHOLE_FILE_CLIP_S. */
function parseReference(ref: unknown, path: string, errors: string[]): Span | undefined {
  const fix = 'write "<file>#t=<start_s>,<end_s>" in seconds, end after start, or the file name alone';
  if (typeof ref !== 'string' || !ref.trim()) {
    errors.push(`${path} must be a clip reference string, got ${describe(ref)} (${fix})`);
    return undefined;
  }
  const hash = ref.indexOf('#t=');
  if (hash < 0) return { videoName: ref.trim(), startS: 0, endS: WHOLE_FILE_CLIP_S, exact: false };
  const m = /^(?:npt:)?(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(ref.slice(hash + 3));
  const startS = Number(m?.[1]);
  const endS = Number(m?.[2]);
  const videoName = ref.slice(0, hash).trim();
  if (!m || !videoName || !(endS > startS)) {
    errors.push(`${path} has a bad time span, got ${describe(ref)} (${fix})`);
    return undefined;
  }
  return { videoName, startS, endS, exact: true };
}

function text(v: Record<string, unknown>, key: string, hint: string, errors: string[]): string | undefined {
  const x = v[key];
  if (typeof x === 'string' && x.trim()) return x;
  errors.push(x === undefined ? `${key} is missing (add it: ${hint})` : `${key} must be a non-empty string, got ${describe(x)} (${hint})`);
  return undefined;
}

/** cyrb53: a fast 53-bit string hash, so a row without an id gets the same id on every import. */
function hash53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
