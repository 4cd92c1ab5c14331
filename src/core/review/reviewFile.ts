// Review files (issue #11): one reviewer's decisions as JSONL, to hand to a second reviewer or
// to compute agreement. Pure: reviews in, text out; text in, reviews or errors out.
//
// Line 1 is a header `{"format":"longvpo-reviews","version":1,"reviewer":…,"exported_at":…}`,
// then one review per line (docs/review.md). Must: all or nothing — any bad line fails the whole
// file with its line number and nothing is returned, so the caller stores nothing. Must: a review
// of a triple that is not stored is an error (the file belongs to another dataset).

import type { ImportIssue } from '../jsonRecords';
import type { Triple } from '../triples/types';
import { editProblems, FLAG_REASONS, isFlagReason, type Review, type ReviewStatus, type TripleEdit } from './decisions';

export const REVIEW_FILE_FORMAT = 'longvpo-reviews';
export const REVIEW_FILE_VERSION = 1;
const STATUSES: readonly ReviewStatus[] = ['accepted', 'rejected', 'edited', 'flagged'];

export interface ReviewFileHeader {
  format: typeof REVIEW_FILE_FORMAT;
  version: number;
  reviewer: string;
  exported_at: string;
}

/** One review as written to a file (snake_case, ISO time). */
export interface ReviewLine {
  triple_id: string;
  status: ReviewStatus;
  reviewer: string;
  at: string;
  edit?: TripleEdit;
  original?: TripleEdit;
  flag?: { reason: string; note: string };
}

export function reviewLine(r: Review): ReviewLine {
  const line: ReviewLine = { triple_id: r.tripleId, status: r.status, reviewer: r.reviewer, at: new Date(r.at).toISOString() };
  if (r.edit) line.edit = { ...r.edit };
  if (r.original) line.original = { ...r.original };
  if (r.flag) line.flag = { reason: r.flag.reason, note: r.flag.note };
  return line;
}

/** The file's text: header, then the reviews ordered by triple id (same reviews → same bytes). */
export function reviewFileText(reviewer: string, reviews: readonly Review[], exportedAt: string): string {
  const header: ReviewFileHeader = { format: REVIEW_FILE_FORMAT, version: REVIEW_FILE_VERSION, reviewer, exported_at: exportedAt };
  const sorted = [...reviews].sort((a, b) => (a.tripleId < b.tripleId ? -1 : a.tripleId > b.tripleId ? 1 : 0));
  return [header, ...sorted.map(reviewLine)].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

export type ReviewFileResult =
  | { ok: true; reviewer: string; exportedAt: string; reviews: Review[] }
  | { ok: false; errors: ImportIssue[]; moreErrors: number };

const MAX_ERRORS = 50;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readEdit(v: unknown, field: string, err: (m: string) => void): TripleEdit | undefined {
  if (!isObject(v)) {
    err(`${field} must be an object with question, chosen, rejected or anchor_index`);
    return undefined;
  }
  const out: TripleEdit = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'anchor_index') {
      if (typeof x === 'number' && Number.isInteger(x)) out.anchor_index = x;
      else err(`${field}.anchor_index must be a whole number`);
    } else if (k === 'question' || k === 'chosen' || k === 'rejected') {
      if (typeof x === 'string') out[k] = x;
      else err(`${field}.${k} must be text`);
    } else err(`${field}.${k} is not an editable field (question, chosen, rejected, anchor_index)`);
  }
  return out;
}

/**
 * Reads a review file line by line, so a large file can be read in steps (with progress and
 * Cancel between them). `tripleOf` returns the stored triple of an id (undefined when unknown),
 * so edits are checked against the triple they change.
 */
export class ReviewFileReader {
  private header: ReviewFileHeader | undefined;
  private readonly reviews: Review[] = [];
  private readonly seen = new Map<string, number>();
  private readonly errors: ImportIssue[] = [];
  private more = 0;
  constructor(private readonly tripleOf: (id: string) => Triple | undefined) {}

  private error(line: number, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ line, message });
    else this.more++;
  }

  /** One line of the file (1-based `lineNo`; a leading BOM and a trailing CR are the caller's to strip). */
  line(raw: string, lineNo: number): void {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      this.error(lineNo, `is not valid JSON: ${e instanceof Error ? e.message : String(e)} (each line must be one complete JSON object)`);
      return;
    }
    if (!this.header) {
      if (!isObject(value) || value.format !== REVIEW_FILE_FORMAT) {
        this.error(lineNo, `is not a review file header: the first line must be {"format":"${REVIEW_FILE_FORMAT}","version":${REVIEW_FILE_VERSION},"reviewer":…} (export it with Review → Export my review file)`);
        this.header = { format: REVIEW_FILE_FORMAT, version: -1, reviewer: '', exported_at: '' };
        return;
      }
      if (value.version !== REVIEW_FILE_VERSION) this.error(lineNo, `version ${JSON.stringify(value.version)} is not supported: this studio reads review files of version ${REVIEW_FILE_VERSION} (export it again from the same studio version)`);
      if (typeof value.reviewer !== 'string' || value.reviewer.trim() === '') this.error(lineNo, 'reviewer must be a non-empty name');
      this.header = { format: REVIEW_FILE_FORMAT, version: Number(value.version), reviewer: String(value.reviewer ?? ''), exported_at: String(value.exported_at ?? '') };
      return;
    }
    const err = (m: string) => this.error(lineNo, m);
    if (!isObject(value)) return err('must be a JSON object (one review)');
    const known = new Set(['triple_id', 'status', 'reviewer', 'at', 'edit', 'original', 'flag']);
    for (const k of Object.keys(value)) if (!known.has(k)) err(`${k} is not a field of a review (triple_id, status, reviewer, at, edit, original, flag)`);
    const id = value.triple_id;
    if (typeof id !== 'string' || id === '') return err('triple_id must be a non-empty text');
    const triple = this.tripleOf(id);
    if (!triple) return err(`triple_id ${JSON.stringify(id)} is not a stored triple (import the triples this file reviews first)`);
    const dup = this.seen.get(id);
    if (dup !== undefined) return err(`triple_id ${JSON.stringify(id)} is reviewed twice (also on line ${dup})`);
    this.seen.set(id, lineNo);
    const status = value.status;
    if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) return err(`status must be one of ${STATUSES.join(', ')}`);
    const reviewer = value.reviewer;
    if (typeof reviewer !== 'string' || reviewer.trim() === '') return err('reviewer must be a non-empty name');
    const at = typeof value.at === 'string' ? Date.parse(value.at) : NaN;
    if (!Number.isFinite(at)) return err('at must be an ISO 8601 time, e.g. 2026-01-31T12:00:00.000Z');
    const review: Review = { tripleId: id, status: status as ReviewStatus, reviewer, at };
    if (status === 'edited') {
      if (value.edit === undefined) return err('an edited review needs edit (the new values)');
      const edit = readEdit(value.edit, 'edit', err);
      if (!edit) return;
      const problems = editProblems(triple, edit);
      if (problems.length > 0) return err(`edit does not apply to the triple: ${problems.join(' ')}`);
      review.edit = edit;
      // The original is always the stored triple's own text: a file cannot rewrite history.
      review.original = Object.fromEntries(Object.keys(edit).map((k) => [k, triple[k as keyof TripleEdit]])) as TripleEdit;
    } else if (value.edit !== undefined) return err(`edit is only allowed when status is edited (it is ${status})`);
    if (status === 'flagged') {
      const flag = value.flag;
      if (!isObject(flag) || !isFlagReason(flag.reason)) return err(`flag.reason must be one of ${Object.keys(FLAG_REASONS).join(', ')}`);
      if (flag.note !== undefined && typeof flag.note !== 'string') return err('flag.note must be text');
      review.flag = { reason: flag.reason, note: typeof flag.note === 'string' ? flag.note : '' };
    } else if (value.flag !== undefined) return err(`flag is only allowed when status is flagged (it is ${status})`);
    this.reviews.push(review);
  }

  result(): ReviewFileResult {
    if (!this.header) this.error(1, 'the file is empty: a review file starts with its header line');
    if (this.errors.length > 0) return { ok: false, errors: this.errors, moreErrors: this.more };
    return { ok: true, reviewer: this.header!.reviewer, exportedAt: this.header!.exported_at, reviews: this.reviews };
  }
}

/** The lines of a review file's text (BOM dropped, CRLF read as LF). */
export function reviewFileLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** Parses a whole review file at once (see ReviewFileReader). */
export function parseReviewFile(text: string, tripleOf: (id: string) => Triple | undefined): ReviewFileResult {
  const reader = new ReviewFileReader(tripleOf);
  reviewFileLines(text).forEach((raw, i) => reader.line(raw, i + 1));
  return reader.result();
}
