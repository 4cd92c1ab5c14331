// Triple exports (issue #5, docs/triples.md): (a) the studio JSONL, (b) TRL `DPOTrainer`
// conversational preference rows, (c) the LongVPO release columns. Pure functions from triples to
// JSONL text; the `…Chunks` forms yield the text in pieces so a large set never has to be one
// string (the UI streams the pieces into a Blob).
//
// Must: the studio export writes keys in one stable order (the order of types.ts), so the same
// triples always give byte-identical files. Must: the TRL row has exactly the keys documented in
// docs/triples.md, with the reference log-probs only when the triple has them.

import type { ChatMessage, SceneCaptionEntry, Triple, TripleClip, TripleFilters, TripleProvenance } from './types';

/** How many rows one chunk of an export holds. */
export const ROWS_PER_CHUNK = 1000;

// ---------------------------------------------------------------------------------------------
// (a) Studio JSONL

/** The triple with its keys (and nested keys) in the order of types.ts; unknown keys dropped. */
export function canonicalTriple(t: Triple): Triple {
  const out: Record<string, unknown> = {
    id: t.id,
    stage: t.stage,
    task_type: t.task_type,
    video: [...t.video],
    clips: t.clips.map(canonicalClip),
  };
  if (t.anchor_index !== undefined) out.anchor_index = t.anchor_index;
  if (t.relevant_clips !== undefined) out.relevant_clips = [...t.relevant_clips];
  out.question = t.question;
  out.chosen = t.chosen;
  out.rejected = t.rejected;
  out.rejected_strategy = t.rejected_strategy;
  out.prompt = t.prompt.map(canonicalMessage);
  out.filters = canonicalFilters(t.filters);
  if (t.reasoning !== undefined) out.reasoning = t.reasoning;
  if (t.scene_captions !== undefined) out.scene_captions = t.scene_captions.map(canonicalCaption);
  if (t.ref_chosen_logps !== undefined) out.ref_chosen_logps = t.ref_chosen_logps;
  if (t.ref_rejected_logps !== undefined) out.ref_rejected_logps = t.ref_rejected_logps;
  out.provenance = canonicalProvenance(t.provenance);
  return out as unknown as Triple;
}

function canonicalClip(c: TripleClip): TripleClip {
  return { id: c.id, video: c.video, video_name: c.video_name, start_s: c.start_s, end_s: c.end_s, frames: c.frames, role: c.role };
}

function canonicalCaption(c: SceneCaptionEntry): SceneCaptionEntry {
  const out: SceneCaptionEntry = { text: c.text, generator: c.generator, model: c.model, prompt_id: c.prompt_id, prompt_version: c.prompt_version };
  if (c.edited !== undefined) out.edited = c.edited;
  return out;
}

function canonicalMessage(m: ChatMessage): ChatMessage {
  return { role: m.role, content: m.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: p.type })) };
}

function canonicalFilters(f: TripleFilters): TripleFilters {
  const out: TripleFilters = {};
  if (f.max_distractor_similarity !== undefined) out.max_distractor_similarity = f.max_distractor_similarity;
  if (f.similarity_threshold !== undefined) out.similarity_threshold = f.similarity_threshold;
  if (f.replaced_distractors !== undefined) out.replaced_distractors = f.replaced_distractors;
  if (f.embedder !== undefined) out.embedder = f.embedder;
  if (f.specificity !== undefined) {
    const s = f.specificity;
    out.specificity = { specific: s.specific, answerable_by: [...s.answerable_by], reason: s.reason };
  }
  if (f.rejected_context !== undefined) out.rejected_context = [...f.rejected_context];
  return out;
}

function canonicalProvenance(p: TripleProvenance): TripleProvenance {
  const out: TripleProvenance = {
    generator: p.generator,
    model: p.model,
    prompt_id: p.prompt_id,
    prompt_version: p.prompt_version,
    seed: p.seed,
    schema_version: p.schema_version,
    synthesis: p.synthesis,
    created_at: p.created_at,
  };
  if (p.texts !== undefined) {
    out.texts = Object.fromEntries(
      Object.keys(p.texts)
        .sort()
        .flatMap((k) => {
          const x = p.texts?.[k];
          return x ? [[k, { generator: x.generator, model: x.model, prompt_id: x.prompt_id, prompt_version: x.prompt_version }]] : [];
        }),
    );
  }
  return out;
}

export function studioJsonl(triples: readonly Triple[]): string {
  return [...studioJsonlChunks(triples)].join('');
}

export function studioJsonlChunks(triples: readonly Triple[], rowsPerChunk = ROWS_PER_CHUNK): Generator<string> {
  return jsonlChunks(triples, canonicalTriple, rowsPerChunk);
}

// ---------------------------------------------------------------------------------------------
// (b) TRL conversational preference rows

/** One segment of the composite video, in playback order. */
export interface TrlClip {
  video_name: string;
  start_s: number;
  end_s: number;
  frames: number;
}

/**
 * A TRL `DPOTrainer` conversational preference row (TRL "Dataset formats": preference type,
 * conversational format). `prompt` holds ONE `{"type": "video"}` part: the composite long video,
 * which is the concatenation of `clips` in order.
 */
export interface TrlRow {
  id: string;
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
  clips: TrlClip[];
  ref_chosen_logps?: number;
  ref_rejected_logps?: number;
}

export const TRL_KEYS = ['id', 'prompt', 'chosen', 'rejected', 'clips'] as const;
export const TRL_OPTIONAL_KEYS = ['ref_chosen_logps', 'ref_rejected_logps'] as const;

function assistant(text: string): ChatMessage[] {
  return [{ role: 'assistant', content: [{ type: 'text', text }] }];
}

export function trlRow(t: Triple): TrlRow {
  const row: TrlRow = {
    id: t.id,
    prompt: t.prompt.map(canonicalMessage),
    chosen: assistant(t.chosen),
    rejected: assistant(t.rejected),
    clips: t.clips.map((c) => ({ video_name: c.video_name, start_s: c.start_s, end_s: c.end_s, frames: c.frames })),
  };
  if (t.ref_chosen_logps !== undefined) row.ref_chosen_logps = t.ref_chosen_logps;
  if (t.ref_rejected_logps !== undefined) row.ref_rejected_logps = t.ref_rejected_logps;
  return row;
}

export function trlJsonl(triples: readonly Triple[]): string {
  return [...trlJsonlChunks(triples)].join('');
}

export function trlJsonlChunks(triples: readonly Triple[], rowsPerChunk = ROWS_PER_CHUNK): Generator<string> {
  return jsonlChunks(triples, trlRow, rowsPerChunk);
}

// ---------------------------------------------------------------------------------------------
// (c) LongVPO release columns

/** The paper's released data fields (DESIGN.md §1): `video`, `task_type`, `question`, `chosen`, `rejected`. */
export interface LongVpoRow {
  /** Ordered clip references `<video_name>#t=<start_s>,<end_s>` (W3C Media Fragments, seconds). */
  video: string[];
  task_type: string;
  question: string;
  chosen: string;
  rejected: string;
}

/** The extra columns `{ studioColumns: true }` adds so a re-import rebuilds the stage structure. */
export interface LongVpoStudioColumns {
  id: string;
  stage: 1 | 2;
  anchor_index?: number;
  relevant_clips?: number[];
  rejected_strategy: Triple['rejected_strategy'];
  reasoning?: string;
}

export const LONGVPO_KEYS = ['video', 'task_type', 'question', 'chosen', 'rejected'] as const;

/** `talk.webm#t=8,16`: the clip as a file reference a trainer can resolve and cut. */
export function clipReference(c: Pick<TripleClip, 'video_name' | 'start_s' | 'end_s'>): string {
  return `${c.video_name}#t=${c.start_s},${c.end_s}`;
}

export function longvpoRow(t: Triple, options: { studioColumns?: boolean } = {}): LongVpoRow & Partial<LongVpoStudioColumns> {
  const row: LongVpoRow & Partial<LongVpoStudioColumns> = { video: t.clips.map(clipReference), task_type: t.task_type, question: t.question, chosen: t.chosen, rejected: t.rejected };
  if (!options.studioColumns) return row;
  row.id = t.id;
  row.stage = t.stage;
  if (t.anchor_index !== undefined) row.anchor_index = t.anchor_index;
  if (t.relevant_clips !== undefined) row.relevant_clips = [...t.relevant_clips];
  row.rejected_strategy = t.rejected_strategy;
  if (t.reasoning !== undefined) row.reasoning = t.reasoning;
  return row;
}

export function longvpoJsonl(triples: readonly Triple[], options: { studioColumns?: boolean } = {}): string {
  return [...longvpoJsonlChunks(triples, options)].join('');
}

export function longvpoJsonlChunks(triples: readonly Triple[], options: { studioColumns?: boolean } = {}, rowsPerChunk = ROWS_PER_CHUNK): Generator<string> {
  return jsonlChunks(triples, (t) => longvpoRow(t, options), rowsPerChunk);
}

// ---------------------------------------------------------------------------------------------

/** JSONL text in chunks of `rowsPerChunk` lines; every line ends with "\n". */
function* jsonlChunks<T>(items: readonly T[], toRow: (item: T) => unknown, rowsPerChunk: number): Generator<string> {
  const step = Math.max(1, Math.floor(rowsPerChunk));
  for (let start = 0; start < items.length; start += step) {
    let chunk = '';
    const end = Math.min(items.length, start + step);
    for (let i = start; i < end; i++) chunk += JSON.stringify(toRow(items[i] as T)) + '\n';
    yield chunk;
  }
}
