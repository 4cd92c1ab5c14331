// Validation of one studio triple (issue #5, DESIGN.md §5): the published JSON Schema
// (schemas/triple.v1.schema.json, compiled once with ajv) plus the rules a schema cannot express.
// Every message reads `<field path> <what is wrong> (<how to fix>)`, e.g.
// `clips[1].start_s must be a number, got "abc" (seconds from the start of the source video, e.g. 12.5)`;
// the importer prefixes `line N: `. Rules and examples: docs/triples.md.
//
// Must: collect every problem of a triple, never stop at the first. Must: compile the schema once
// per process (compiling costs milliseconds; validating a triple costs microseconds).

import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
// The published schema is the single source of truth; tests/layers.test.ts allows exactly this import.
// eslint-disable-next-line no-restricted-imports -- core may read the JSON Schemas in /schemas (issue #5)
import schema from '../../../schemas/triple.v1.schema.json' with { type: 'json' };
import { TRIPLE_SCHEMA_VERSION, type Triple } from './types';

export const TRIPLE_SCHEMA = schema;

let compiled: ValidateFunction<Triple> | undefined;

/** The compiled schema validator (compiled on first use, then reused). */
export function schemaValidator(): ValidateFunction<Triple> {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false }).compile<Triple>(schema);
  return compiled;
}

/** Every problem of `value` as a triple: schema errors first, then the semantic rules. Empty when valid. */
export function tripleIssues(value: unknown): string[] {
  const validate = schemaValidator();
  const out = new Set<string>();
  if (!validate(value)) for (const e of validate.errors ?? []) for (const m of schemaMessage(e)) out.add(m);
  if (isRecord(value)) for (const m of semanticIssues(value)) out.add(m);
  return [...out];
}

/** True when `value` is a valid studio triple (schema and semantic rules). */
export function isValidTriple(value: unknown): value is Triple {
  return tripleIssues(value).length === 0;
}

// ---------------------------------------------------------------------------------------------
// Schema errors → user-facing messages

/** How to fix a field, by its name (the last path segment without indices). */
const FIELD_HINTS: Record<string, string> = {
  id: 'a stable id, unique within the file, e.g. "s1-000042"',
  stage: '1 for an anchored Stage 1 triple, 2 for a Stage 2 triple',
  task_type: 'see the task types in docs/triples.md',
  video: 'the ids of "clips", in the same order',
  clips: 'one object per clip of the long input, in playback order',
  video_name: 'the source file name, e.g. "talk.webm"',
  start_s: 'seconds from the start of the source video, e.g. 12.5',
  end_s: 'seconds from the start of the source video, after start_s',
  frames: "the clip's frame count in the composite, a whole number ≥ 1",
  role: '"anchor", "distractor" or "scene"',
  anchor_index: "the anchor's 0-based position in clips",
  relevant_clips: '0-based positions in clips of the scenes the reasoning cites',
  question: 'the question text',
  chosen: 'the preferred answer text',
  rejected: 'the dispreferred answer text',
  rejected_strategy: 'Stage 1: "distractor_answer"; Stage 2: "partial_evidence" or "irrelevance"',
  prompt: 'TRL conversational: [{"role": "user", "content": [{"type": "video"}, {"type": "text", "text": "<question>"}]}]',
  filters: 'the measured filter values; {} when no filter ran',
  provenance: 'who made the triple: generator, model, prompt_id, prompt_version, seed, schema_version, synthesis, created_at',
  content: 'a list of parts: {"type": "video"}, {"type": "image"} or {"type": "text", "text": "…"}',
  text: 'the text of a {"type": "text"} part',
  ref_chosen_logps: 'a summed log-probability, ≤ 0; leave it out when not computed',
  ref_rejected_logps: 'a summed log-probability, ≤ 0; leave it out when not computed',
  max_distractor_similarity: 'a cosine similarity in [-1, 1]',
  similarity_threshold: 'a cosine similarity in [-1, 1], e.g. 0.6',
  generator: '"oracle", "endpoint" or "imported"',
  schema_version: `this studio writes version ${TRIPLE_SCHEMA_VERSION}`,
  created_at: 'an ISO 8601 time, e.g. "2026-11-24T14:20:00Z"',
};
const DEFAULT_HINT = 'see docs/triples.md';

/** `/clips/1/start_s` → `clips[1].start_s`. */
export function fieldPath(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p), '') || '(the record)';
}

function hintFor(path: string): string {
  const name = /([A-Za-z_]+)(\[\d+\])*$/.exec(path)?.[1] ?? '';
  return FIELD_HINTS[name] ?? DEFAULT_HINT;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', number: 'a number', integer: 'a whole number', array: 'a list', object: 'an object', boolean: 'true or false' };

function schemaMessage(e: ErrorObject): string[] {
  // `contains` tries every item; its per-item misses are summed up by the `contains` error itself.
  if (e.schemaPath.includes('/contains/')) return [];
  const path = fieldPath(e.instancePath);
  const got = describe(e.data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return []; // the failing `then` branch reports the actual problem
    case 'required': {
      const child = fieldPath(e.instancePath, String(p.missingProperty));
      return [`${child} is missing (add it: ${hintFor(child)})`];
    }
    case 'type':
      return [`${path} must be ${TYPE_WORDS[String(p.type)] ?? String(p.type)}, got ${got} (${hintFor(path)})`];
    case 'enum':
      return [`${path} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got} (${hintFor(path)})`];
    case 'const':
      return [`${path} must be ${JSON.stringify(p.allowedValue)}, got ${got} (${hintFor(path)})`];
    case 'minLength':
      return [`${path} must not be empty (${hintFor(path)})`];
    case 'minItems':
      return [`${path} must have at least ${String(p.limit)} ${p.limit === 1 ? 'entry' : 'entries'} (${hintFor(path)})`];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [`${path} must be ${String(p.comparison)} ${String(p.limit)}, got ${got} (${hintFor(path)})`];
    case 'uniqueItems':
      return [`${path} must not repeat an entry: [${Math.min(Number(p.i), Number(p.j))}] and [${Math.max(Number(p.i), Number(p.j))}] are both ${describe(Array.isArray(e.data) ? e.data[Number(p.i)] : undefined)} (${hintFor(path)})`];
    case 'contains':
      return [`${path} must include a clip with role "anchor" (a Stage 1 triple has one anchor; mark it and set anchor_index to its position)`];
    case 'pattern':
      return [`${path} is not in the expected form, got ${got} (${hintFor(path)})`];
    default:
      return [`${path} ${e.message ?? 'is not valid'} (${hintFor(path)})`];
  }
}

// ---------------------------------------------------------------------------------------------
// Rules the schema cannot express. Written defensively: each runs only on well-typed input, so a
// type error reported by the schema is not reported twice.

function semanticIssues(t: Record<string, unknown>): string[] {
  const out: string[] = [];
  const clips = Array.isArray(t.clips) ? t.clips : undefined;
  const n = clips?.length ?? 0;
  const range = n > 0 ? `0 to ${n - 1}` : 'none: clips is empty';

  const version = isRecord(t.provenance) ? t.provenance.schema_version : undefined;
  if (Number.isInteger(version) && version !== TRIPLE_SCHEMA_VERSION) {
    out.push(
      `provenance.schema_version ${String(version)} is not supported (this studio reads version ${TRIPLE_SCHEMA_VERSION}; ${(version as number) > TRIPLE_SCHEMA_VERSION ? 'update the studio' : 'export the triples again from a current studio'})`,
    );
  }

  clips?.forEach((c, i) => {
    if (isRecord(c) && isNumber(c.start_s) && isNumber(c.end_s) && !(c.end_s > c.start_s)) {
      out.push(`clips[${i}].end_s must be greater than start_s (${c.start_s}), got ${c.end_s} (${FIELD_HINTS.end_s})`);
    }
  });

  if (clips && Array.isArray(t.video)) {
    const ids = clips.map((c) => (isRecord(c) ? c.id : undefined));
    if (t.video.length !== n) {
      out.push(`video must list the ${n} clip ids of clips in order, got ${t.video.length} ${t.video.length === 1 ? 'entry' : 'entries'} (set video to the clips' ids)`);
    } else {
      t.video.forEach((v, i) => {
        if (typeof v === 'string' && typeof ids[i] === 'string' && v !== ids[i]) {
          out.push(`video[${i}] must equal clips[${i}].id ${JSON.stringify(ids[i])}, got ${describe(v)} (video lists the clip ids of clips in order)`);
        }
      });
    }
  }

  const anchor = t.anchor_index;
  if (t.stage === 1 && clips && Number.isInteger(anchor)) {
    const a = anchor as number;
    const anchors = clips.flatMap((c, i) => (isRecord(c) && c.role === 'anchor' ? [i] : []));
    if (a >= n) out.push(`anchor_index must point into clips (${range}), got ${a} (${FIELD_HINTS.anchor_index})`);
    else if (anchors.length > 0) {
      const role = isRecord(clips[a]) ? clips[a].role : undefined;
      if (role !== 'anchor') out.push(`clips[${a}].role must be "anchor" because anchor_index is ${a}, got ${describe(role)} (set anchor_index to the anchor's position, or fix the roles)`);
    }
    for (const i of anchors) {
      if (i !== a && a < n) out.push(`clips[${i}].role is "anchor" but anchor_index is ${a} (a Stage 1 triple has one anchor; make the others "distractor")`);
    }
  }

  if (Array.isArray(t.relevant_clips) && clips) {
    t.relevant_clips.forEach((k, i) => {
      if (Number.isInteger(k) && (k as number) >= n) out.push(`relevant_clips[${i}] must point into clips (${range}), got ${String(k)} (${FIELD_HINTS.relevant_clips})`);
    });
  }

  if (Array.isArray(t.scene_captions) && clips && t.scene_captions.length !== n) {
    out.push(`scene_captions must have one caption per clip (${n}), got ${t.scene_captions.length} (list the captions in the order of clips)`);
  }

  const context = isRecord(t.filters) && Array.isArray(t.filters.rejected_context) ? (t.filters.rejected_context as unknown[]) : undefined;
  if (context && clips && Array.isArray(t.relevant_clips)) {
    const relevant = new Set(t.relevant_clips);
    const inside = context.filter((k) => relevant.has(k)).length;
    const hint = 'the scenes the rejected answer was given';
    if (context.some((k) => Number.isInteger(k) && (k as number) >= n)) out.push(`filters.rejected_context must point into clips (${range}) (${hint})`);
    if (t.rejected_strategy === 'partial_evidence' && (context.length === 0 || inside !== context.length || context.length >= relevant.size)) {
      out.push(`filters.rejected_context must be a strict, non-empty subset of relevant_clips for partial_evidence (${hint})`);
    }
    if (t.rejected_strategy === 'irrelevance' && (context.length === 0 || inside > 0)) {
      out.push(`filters.rejected_context must be non-empty and share no scene with relevant_clips for irrelevance (${hint})`);
    }
  }

  if (typeof t.chosen === 'string' && typeof t.rejected === 'string' && t.chosen.trim() && t.chosen.trim() === t.rejected.trim()) {
    out.push('rejected must differ from chosen (a preference pair needs two different answers)');
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A short rendering of a bad value for a message. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return v ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : 'an empty string';
  if (Array.isArray(v)) return 'a list';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}
