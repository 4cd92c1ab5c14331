// Review decisions (issue #11): what a reviewer decided about one triple, the audit event every
// action appends, undo/redo, and the triple as edited. Pure: nothing in this file may read a store,
// the DOM or a clock (callers pass `at`).
//
// Must: an edit never loses the original text — the review keeps `original` (the triple's own
// values of every edited field) and the audit event keeps the review before and after.

import { conversationalPrompt, type Triple } from '../triples/types';

export type ReviewStatus = 'accepted' | 'rejected' | 'edited' | 'flagged';
/** What the queue filters on: a stored status, or none yet. */
export type QueueStatus = ReviewStatus | 'unreviewed';
export const QUEUE_STATUSES: readonly QueueStatus[] = ['unreviewed', 'accepted', 'rejected', 'edited', 'flagged'];

export const FLAG_REASONS = {
  ambiguous_question: 'Ambiguous question',
  chosen_wrong: 'Chosen is wrong',
  rejected_right: 'Rejected is actually right',
  distractor_too_similar: 'Distractor too similar',
  other: 'Other',
} as const;
export type FlagReason = keyof typeof FLAG_REASONS;

export function isFlagReason(v: unknown): v is FlagReason {
  return typeof v === 'string' && Object.hasOwn(FLAG_REASONS, v);
}

/** Fields a reviewer may edit. `anchor_index` only on Stage 1 triples. */
export interface TripleEdit {
  question?: string;
  chosen?: string;
  rejected?: string;
  anchor_index?: number;
}
export const EDIT_FIELDS = ['question', 'chosen', 'rejected', 'anchor_index'] as const;

/** The latest decision on one triple (the `reviews` store holds exactly this). */
export interface Review {
  tripleId: string;
  status: ReviewStatus;
  reviewer: string;
  /** Epoch ms. */
  at: number;
  /** `edited`: the new values, and the triple's own values of the same fields. */
  edit?: TripleEdit;
  original?: TripleEdit;
  /** `flagged`: why, and the reviewer's note. */
  flag?: { reason: FlagReason; note: string };
}

export type ReviewAction =
  | { kind: 'accept' }
  | { kind: 'reject' }
  | { kind: 'edit'; edit: TripleEdit }
  | { kind: 'flag'; reason: FlagReason; note: string }
  /** Back to unreviewed. */
  | { kind: 'clear' };

export type AuditAction = ReviewAction['kind'] | 'undo' | 'redo' | 'import' | 'settle';

/** One appended line of the audit log: who did what to which triple, with the review before and after. */
export interface AuditEvent {
  at: number;
  actor: string;
  action: AuditAction;
  tripleId: string;
  before: Review | null;
  after: Review | null;
  /** e.g. the review file an import came from, or the two reviewers a settlement chose between. */
  detail?: Record<string, string | number>;
}

export class ReviewActionError extends Error {
  override name = 'ReviewActionError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Why `edit` cannot apply to `triple`; empty when it can. */
export function editProblems(triple: Triple, edit: TripleEdit): string[] {
  const out: string[] = [];
  for (const f of ['question', 'chosen', 'rejected'] as const) {
    const v = edit[f];
    if (v !== undefined && v.trim() === '') out.push(`The ${f} cannot be empty.`);
  }
  if (edit.chosen !== undefined || edit.rejected !== undefined) {
    const chosen = edit.chosen ?? triple.chosen;
    const rejected = edit.rejected ?? triple.rejected;
    if (chosen.trim() === rejected.trim()) out.push('Chosen and rejected must differ (a preference pair with equal answers teaches nothing).');
  }
  if (edit.anchor_index !== undefined) {
    if (triple.stage !== 1) out.push('Only Stage 1 triples have an anchor.');
    else if (!Number.isInteger(edit.anchor_index) || edit.anchor_index < 0 || edit.anchor_index >= triple.clips.length) out.push(`The anchor must be a clip position from 1 to ${triple.clips.length}.`);
  }
  return out;
}

/** The edit without fields equal to the triple's own values (so "edit" with no change is caught). */
export function effectiveEdit(triple: Triple, edit: TripleEdit): TripleEdit {
  const out: TripleEdit = {};
  for (const f of ['question', 'chosen', 'rejected'] as const) {
    const v = edit[f];
    if (v !== undefined && v !== triple[f]) out[f] = v;
  }
  if (edit.anchor_index !== undefined && edit.anchor_index !== triple.anchor_index) out.anchor_index = edit.anchor_index;
  return out;
}

function originalOf(triple: Triple, edit: TripleEdit): TripleEdit {
  const out: TripleEdit = {};
  if (edit.question !== undefined) out.question = triple.question;
  if (edit.chosen !== undefined) out.chosen = triple.chosen;
  if (edit.rejected !== undefined) out.rejected = triple.rejected;
  if (edit.anchor_index !== undefined && triple.anchor_index !== undefined) out.anchor_index = triple.anchor_index;
  return out;
}

/**
 * The review after `action` by `reviewer` at `at` (null = unreviewed) and its audit event. Throws
 * ReviewActionError for an edit that cannot apply or changes nothing.
 */
export function decide(triple: Triple, before: Review | null, action: ReviewAction, reviewer: string, at: number): { after: Review | null; event: AuditEvent } {
  const base = { tripleId: triple.id, reviewer, at };
  let after: Review | null;
  switch (action.kind) {
    case 'accept':
      after = { ...base, status: 'accepted' };
      break;
    case 'reject':
      after = { ...base, status: 'rejected' };
      break;
    case 'flag':
      after = { ...base, status: 'flagged', flag: { reason: action.reason, note: action.note } };
      break;
    case 'edit': {
      const problems = editProblems(triple, action.edit);
      if (problems.length > 0) throw new ReviewActionError(problems.join(' '), 'Correct the edit and save again, or press Escape to leave the triple as it is.');
      const edit = effectiveEdit(triple, action.edit);
      if (Object.keys(edit).length === 0) throw new ReviewActionError('The edit changes nothing.', 'Change the question, an answer or the anchor, or press a to accept the triple as it is.');
      after = { ...base, status: 'edited', edit, original: originalOf(triple, edit) };
      break;
    }
    case 'clear':
      after = null;
      break;
  }
  return { after, event: { at, actor: reviewer, action: action.kind, tripleId: triple.id, before, after } };
}

/** The triple as the review leaves it: edits applied (prompt rebuilt, anchor roles moved). */
export function applyReview(triple: Triple, review: Review | null | undefined): Triple {
  const edit = review?.status === 'edited' ? review.edit : undefined;
  if (!edit) return triple;
  const out: Triple = { ...triple };
  if (edit.question !== undefined) {
    out.question = edit.question;
    out.prompt = conversationalPrompt(edit.question);
  }
  if (edit.chosen !== undefined) out.chosen = edit.chosen;
  if (edit.rejected !== undefined) out.rejected = edit.rejected;
  if (edit.anchor_index !== undefined && triple.stage === 1) {
    out.anchor_index = edit.anchor_index;
    out.clips = triple.clips.map((c, i) => ({ ...c, role: i === edit.anchor_index ? 'anchor' : c.role === 'anchor' ? 'distractor' : c.role }));
  }
  return out;
}

/** Which triples an export holds: only accepted and edited ones (default), or every triple. */
export type ExportSelection = 'accepted' | 'all';

/** The triples an export writes, in the given order: accepted and edited ones by default, edits applied. */
export function reviewedForExport(triples: readonly Triple[], reviews: ReadonlyMap<string, Review>, selection: ExportSelection = 'accepted'): Triple[] {
  const out: Triple[] = [];
  for (const t of triples) {
    const r = reviews.get(t.id);
    if (selection === 'accepted' && r?.status !== 'accepted' && r?.status !== 'edited') continue;
    out.push(applyReview(t, r));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Undo / redo: a history of steps, each setting one triple's review from `before` to `after`.

export interface ReviewStep {
  tripleId: string;
  before: Review | null;
  after: Review | null;
}

export interface ReviewHistory {
  past: readonly ReviewStep[];
  future: readonly ReviewStep[];
}

export const EMPTY_HISTORY: ReviewHistory = { past: [], future: [] };
/** Steps kept for undo; older ones stay in the audit log only. */
export const HISTORY_LIMIT = 500;

/** A new action: appended to the past; the redo future is dropped (as in every editor). */
export function record(history: ReviewHistory, step: ReviewStep): ReviewHistory {
  return { past: [...history.past, step].slice(-HISTORY_LIMIT), future: [] };
}

/** The step to revert (set `tripleId` back to `before`) and the history after, or null when nothing to undo. */
export function undo(history: ReviewHistory): { step: ReviewStep; history: ReviewHistory } | null {
  const step = history.past[history.past.length - 1];
  if (!step) return null;
  return { step, history: { past: history.past.slice(0, -1), future: [...history.future, step] } };
}

/** The step to redo (set `tripleId` to `after` again) and the history after, or null. */
export function redo(history: ReviewHistory): { step: ReviewStep; history: ReviewHistory } | null {
  const step = history.future[history.future.length - 1];
  if (!step) return null;
  return { step, history: { past: [...history.past, step], future: history.future.slice(0, -1) } };
}

/**
 * The undo/redo history `actor` had, rebuilt from the audit log (oldest first), so undo survives a
 * reload: each of their decisions is recorded, each undo / redo moves it as it did then. Imports and
 * settlements were never undoable steps and are skipped, as are other reviewers' events.
 */
export function historyFromAudit(events: readonly AuditEvent[], actor: string): ReviewHistory {
  let history = EMPTY_HISTORY;
  for (const e of events) {
    if (e.actor !== actor) continue;
    switch (e.action) {
      case 'accept':
      case 'reject':
      case 'edit':
      case 'flag':
      case 'clear':
        history = record(history, { tripleId: e.tripleId, before: e.before, after: e.after });
        break;
      case 'undo':
        history = undo(history)?.history ?? history;
        break;
      case 'redo':
        history = redo(history)?.history ?? history;
        break;
      case 'import':
      case 'settle':
        break;
    }
  }
  return history;
}

/** The audit event of an undo or redo: the review moves from `current` to `target`. */
export function historyEvent(kind: 'undo' | 'redo', tripleId: string, current: Review | null, target: Review | null, actor: string, at: number): AuditEvent {
  return { at, actor, action: kind, tripleId, before: current, after: target };
}
