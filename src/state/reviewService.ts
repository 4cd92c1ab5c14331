// Review (issue #11) from the studio's side: loads the queue, applies decisions (stored with
// their audit events in one transaction), undo/redo, the URL filter, review files (export, adopt,
// compare), settling conflicts, and exports that follow review.
// Must: nothing is decided without a reviewer name. Must: an imported review file is checked
// whole before anything is stored (parseReviewFile), and adopted in one transaction.
import { UserFacingError } from '../core/errors';
import { agreement } from '../core/review/agreement';
import { decide, EMPTY_HISTORY, HISTORY_LIMIT, historyEvent, historyFromAudit, record, redo, undo, ReviewActionError, type ExportSelection, type Review, type ReviewAction } from '../core/review/decisions';
import { filterQueue, filterFromQuery, filterToQuery, hashQuery, nextUnreviewed, type QueueFilter, type QueueItem } from '../core/review/queue';
import { ReviewFileReader, reviewFileLines, reviewFileText } from '../core/review/reviewFile';
import type { Triple } from '../core/triples/types';
import { studioDb } from '../storage/db';
import { applyReviewChanges, countAudit, getReviews, listAudit, listAuditBy, type ReviewChange } from '../storage/reviewsRepo';
import { getSetting, setSetting } from '../storage/settingsRepo';
import { listTriples } from '../storage/triplesRepo';
import { computeEngine } from '../workers/computeClient';
import type { MapRequest } from '../workers/reviewHandlers';
import { EXPORT_FORMATS, type ExportFormat } from './synthService';
import { useStudio } from './store';

const review = () => useStudio.getState().review;
const setReview = (patch: Parameters<ReturnType<typeof useStudio.getState>['setReview']>[0]) => useStudio.getState().setReview(patch);

/** The queue as filtered now (what j/k walk through). */
export function visibleItems(): QueueItem[] {
  const { items, filter } = review();
  return filterQueue(items, filter);
}

export async function loadReview(): Promise<void> {
  try {
    const db = await studioDb();
    const [triples, reviews, reviewer, auditCount] = await Promise.all([listTriples(db), getReviews(db), getSetting(db, 'reviewer'), countAudit(db)]);
    const items = triples.map((triple, order) => ({ triple, review: reviews.get(triple.id), order }));
    const filter = typeof location === 'undefined' ? {} : filterFromQuery(hashQuery(location.hash));
    const current = review().currentId;
    const keep = current !== null && items.some((i) => i.triple.id === current);
    // Undo/redo survive a reload: the reviewer's history is rebuilt from their audit events.
    const history = reviewer.trim() ? historyFromAudit(await listAuditBy(db, reviewer.trim()), reviewer.trim()) : EMPTY_HISTORY;
    setReview({ loaded: true, items, reviewer, auditCount, filter, history, currentId: keep ? current : (filterQueue(items, filter)[0]?.triple.id ?? null) });
    await refreshAudit();
  } catch (e) {
    if (!(e instanceof Error && e.name === 'StorageUnavailableError')) useStudio.getState().reportError('Could not read the triples to review', e);
  }
}

/** Sets the filter and writes it to the URL (`#/review?…`), without adding a history entry per keystroke. */
export function setFilter(filter: QueueFilter): void {
  setReview({ filter });
  if (typeof location !== 'undefined') {
    const query = filterToQuery(filter);
    history.replaceState(null, '', `#/review${query ? `?${query}` : ''}`);
  }
}

/** Reads the filter back from the URL (back/forward, an edited address). */
export function syncFilterFromLocation(): void {
  setReview({ filter: filterFromQuery(hashQuery(location.hash)) });
}

export async function setReviewer(name: string): Promise<void> {
  setReview({ reviewer: name });
  try {
    await setSetting(await studioDb(), 'reviewer', name.trim());
  } catch {
    // Kept for this session; the next start asks again.
  }
}

export async function openTriple(id: string | null): Promise<void> {
  setReview({ currentId: id });
  await refreshAudit();
}

/** The open triple's audit events; with `count`, the log's size too (it changes only when a decision is stored). */
async function refreshAudit({ count = false } = {}): Promise<void> {
  const id = review().currentId;
  const db = await studioDb();
  const [audit, auditCount] = await Promise.all([id ? listAudit(db, { tripleId: id }) : [], count ? countAudit(db) : review().auditCount]);
  setReview({ audit, auditCount });
}

/** Moves the open triple by `delta` in the filtered queue (j/k). */
export function step(delta: number): void {
  const items = visibleItems();
  if (items.length === 0) return;
  const at = items.findIndex((i) => i.triple.id === review().currentId);
  const next = at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + delta));
  void openTriple(items[next]!.triple.id);
}

/** Opens the next unreviewed triple of the filtered queue (n). */
export function nextOpen(): void {
  const items = visibleItems();
  const at = items.findIndex((i) => i.triple.id === review().currentId);
  const next = nextUnreviewed(items, at < 0 ? -1 : at);
  if (next < 0) useStudio.getState().reportWarning({ title: 'Nothing left to review', message: 'Every triple in this view has a decision.', hint: 'Clear the filters to see other triples, or export the accepted ones.' });
  else void openTriple(items[next]!.triple.id);
}

function requireReviewer(): string {
  const name = review().reviewer.trim();
  if (!name) throw new UserFacingError('No reviewer name is set.', 'Type your name in the Reviewer box at the top of the Review page: it is written on every decision and in the audit log.');
  return name;
}

function replaceReviews(changes: readonly { tripleId: string; after: Review | null }[], patch: Parameters<typeof setReview>[0] = {}): void {
  const byId = new Map(changes.map((c) => [c.tripleId, c.after]));
  setReview({ ...patch, items: review().items.map((i) => (byId.has(i.triple.id) ? { ...i, review: byId.get(i.triple.id) ?? undefined } : i)) });
}

/** Stores the changes, then shows them together with `patch` (e.g. the new undo history) in one update. */
async function store(changes: ReviewChange[], patch: Parameters<typeof setReview>[0] = {}): Promise<void> {
  await applyReviewChanges(await studioDb(), changes);
  replaceReviews(changes, patch);
  await refreshAudit({ count: true });
}

/**
 * Decisions, undo and redo run one after another in key order: a fast `a` then `u` must undo that
 * `a`, not the decision before it.
 */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * Applies `action` to the open triple (or `tripleId`), stores it with its audit event and records
 * it for undo. Resolves true when it was stored; errors are shown (role="alert").
 */
export function act(action: ReviewAction, tripleId = review().currentId): Promise<boolean> {
  return serial(() => actNow(action, tripleId));
}

async function actNow(action: ReviewAction, tripleId: string | null): Promise<boolean> {
  const { reportError } = useStudio.getState();
  const item = review().items.find((i) => i.triple.id === tripleId);
  if (!item) return false;
  try {
    const reviewer = requireReviewer();
    const before = item.review ?? null;
    const { after, event } = decide(item.triple, before, action, reviewer, Date.now());
    await store([{ tripleId: item.triple.id, after, event }], { history: record(review().history, { tripleId: item.triple.id, before, after }) });
    return true;
  } catch (e) {
    reportError(action.kind === 'edit' ? 'Edit not saved' : 'Decision not saved', e instanceof ReviewActionError ? new UserFacingError(e.message, e.hint) : e);
    return false;
  }
}

/** Undo (u) or redo (Shift+U) the last decision; logged as its own audit event. */
export function undoRedo(kind: 'undo' | 'redo'): Promise<void> {
  return serial(() => undoRedoNow(kind));
}

async function undoRedoNow(kind: 'undo' | 'redo'): Promise<void> {
  const { reportError, reportWarning } = useStudio.getState();
  const moved = kind === 'undo' ? undo(review().history) : redo(review().history);
  if (!moved) {
    reportWarning({ title: `Nothing to ${kind}`, message: kind === 'undo' ? 'No decision of yours is left to undo.' : 'Nothing was undone since the last decision.', hint: `Undo covers your last ${HISTORY_LIMIT} decisions (rebuilt from the audit log after a reload); the audit log keeps all of them.` });
    return;
  }
  try {
    const reviewer = requireReviewer();
    const target = kind === 'undo' ? moved.step.before : moved.step.after;
    const current = review().items.find((i) => i.triple.id === moved.step.tripleId)?.review ?? null;
    const event = historyEvent(kind, moved.step.tripleId, current, target, reviewer, Date.now());
    setReview({ currentId: moved.step.tripleId });
    await store([{ tripleId: moved.step.tripleId, after: target, event }], { history: moved.history });
  } catch (e) {
    reportError(`Could not ${kind}`, e);
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Exports triples as reviewed: accepted and edited only (default), edits applied. */
export async function exportReviewed(format: ExportFormat, selection: ExportSelection): Promise<void> {
  const { reportError, reportWarning } = useStudio.getState();
  const signal = startFileWork();
  setReview({ busy: 'Exporting…' });
  try {
    const out = await computeEngine()['triples.export']({ format, selection }, { signal, onProgress: (fileProgress) => setReview({ fileProgress }) });
    signal.throwIfAborted(); // a result that crossed with the Cancel is not downloaded
    if (!out) {
      reportWarning({ title: 'Nothing to export', message: selection === 'accepted' ? 'No triple is accepted or edited yet.' : 'No triples are stored yet.', hint: selection === 'accepted' ? 'Accept (a) or edit (e) triples first, or choose "every triple".' : 'Synthesize or import triples first.' });
      return;
    }
    download(out.blob, EXPORT_FORMATS[format].file.replace('longvpo-triples', selection === 'accepted' ? 'longvpo-accepted' : 'longvpo-triples'));
    setReview({ lastResult: `Exported ${out.count} triples (${selection === 'accepted' ? 'accepted and edited, edits applied' : 'every stored triple'}).` });
  } catch (e) {
    if (signal.aborted) setReview({ lastResult: 'The export was cancelled; nothing was downloaded.' });
    else reportError('Export failed', e);
  } finally {
    setReview({ busy: null, fileProgress: null });
  }
}

let mapWork: AbortController | null = null;

/** Computes the embedding map of the stored clips in the worker: PCA by tensor ops, or seeded UMAP (Cancel stops it). */
export async function computeMap(request: MapRequest = { method: 'pca' }): Promise<void> {
  const { reportError, reportWarning } = useStudio.getState();
  mapWork?.abort();
  const work = new AbortController();
  mapWork = work;
  setReview({ mapProgress: { done: 0, total: 2, label: 'starting' } });
  try {
    const map = await computeEngine()['review.map'](request, { signal: work.signal, onProgress: (mapProgress) => setReview({ mapProgress }) });
    work.signal.throwIfAborted();
    if (!map) reportWarning({ title: 'No map', message: `Fewer than ${request.method === 'umap' ? 'three' : 'two'} clips are stored.`, hint: 'Import videos (or run the demo) in the Library first.' });
    setReview({ map, mapNote: null, mapSerial: review().mapSerial + 1 });
  } catch (e) {
    if (work.signal.aborted) setReview({ mapNote: `The ${request.method.toUpperCase()} map was cancelled${review().map ? '; the previous map is kept' : ''}.` });
    else reportError('The embedding map failed', e);
  } finally {
    if (mapWork === work) {
      mapWork = null;
      setReview({ mapProgress: null });
    }
  }
}

/** Cancels the map being computed (the worker stops at its next step). */
export function cancelMap(): void {
  mapWork?.abort();
}

/** Filters the queue to triples about these clips (the map's lasso or a clicked clip); null clears it. */
export function selectKeyClips(ids: ReadonlySet<string> | null): void {
  const { keyClips: _old, ...rest } = review().filter;
  setReview({ filter: ids ? { ...rest, keyClips: ids } : rest });
}

/** Each clip's cosine similarity to the anchor, computed in the worker; cached per triple. */
const similarityCache = new Map<string, Promise<number[]>>();
export function anchorSimilarities(triple: Triple): Promise<number[]> | null {
  const anchor = triple.anchor_index !== undefined ? triple.clips[triple.anchor_index] : undefined;
  if (!anchor) return null;
  const key = `${triple.id}|${anchor.id}`;
  let p = similarityCache.get(key);
  if (!p) {
    p = computeEngine()['review.similarities']({ anchorId: anchor.id, clipIds: triple.clips.map((c) => c.id) });
    p.catch(() => similarityCache.delete(key));
    similarityCache.set(key, p);
  }
  return p;
}

/** This browser's reviews as a review file (JSONL). */
export async function exportReviewFile(): Promise<void> {
  const { reportError } = useStudio.getState();
  try {
    const reviewer = requireReviewer();
    const reviews = [...(await getReviews(await studioDb())).values()];
    download(new Blob([reviewFileText(reviewer, reviews, new Date().toISOString())], { type: 'application/jsonl' }), `longvpo-reviews.${reviewer.replace(/[^\w.-]+/g, '_')}.jsonl`);
    setReview({ lastResult: `Exported ${reviews.length} reviews as ${reviewer}.` });
  } catch (e) {
    reportError('Could not export the reviews', e);
  }
}

function problemsError(errors: { line: number; message: string }[], more: number, name: string): UserFacingError {
  const shown = errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`).join('; ');
  const rest = errors.length - 5 + more;
  return new UserFacingError(`${name} was refused; nothing was stored. ${shown}${rest > 0 ? ` (and ${rest} more)` : ''}.`, 'Fix the lines named above, or export the file again from the Review page of the studio that holds these triples.');
}

let fileWork: AbortController | null = null;
function startFileWork(): AbortSignal {
  fileWork?.abort();
  fileWork = new AbortController();
  return fileWork.signal;
}

/** Cancels the review file being read or the export being written. */
export function cancelFileWork(): void {
  fileWork?.abort();
}

/** Lines checked between two progress updates (a yield to the event loop, where Cancel lands). */
const LINES_PER_STEP = 2000;

/** Reads and checks a review file in steps with progress; throws AbortError when cancelled. Stores nothing. */
async function readReviewFile(file: File, signal: AbortSignal): Promise<{ reviewer: string; reviews: Review[]; tripleOf: Map<string, Triple> }> {
  const tripleOf = new Map(review().items.map((i) => [i.triple.id, i.triple]));
  setReview({ fileProgress: { done: 0, total: 1, label: `reading ${file.name}` } });
  const lines = reviewFileLines(await file.text());
  const reader = new ReviewFileReader((id) => tripleOf.get(id));
  for (let start = 0; start < lines.length; start += LINES_PER_STEP) {
    signal.throwIfAborted();
    const end = Math.min(lines.length, start + LINES_PER_STEP);
    for (let i = start; i < end; i++) reader.line(lines[i]!, i + 1);
    setReview({ fileProgress: { done: end, total: lines.length, label: `lines of ${file.name} checked` } });
    await new Promise((r) => setTimeout(r, 0));
  }
  signal.throwIfAborted();
  const parsed = reader.result();
  if (!parsed.ok) throw problemsError(parsed.errors, parsed.moreErrors, file.name);
  return { reviewer: parsed.reviewer, reviews: parsed.reviews, tripleOf };
}

/** Adopts another reviewer's decisions as the current ones (one transaction, each logged as `import`). */
export async function adoptReviewFile(file: File): Promise<void> {
  const { reportError } = useStudio.getState();
  try {
    const actor = requireReviewer();
    const signal = startFileWork();
    const { reviewer, reviews } = await readReviewFile(file, signal);
    const current = new Map(review().items.map((i) => [i.triple.id, i.review ?? null]));
    const at = Date.now();
    const changes: ReviewChange[] = reviews.map((r) => ({ tripleId: r.tripleId, after: r, event: { at, actor, action: 'import', tripleId: r.tripleId, before: current.get(r.tripleId) ?? null, after: r, detail: { file: file.name, reviewer } } }));
    await store(changes);
    setReview({ lastResult: `Adopted ${changes.length} reviews by ${reviewer} from ${file.name}.` });
  } catch (e) {
    if (isAbort(e)) setReview({ lastResult: `Reading ${file.name} was cancelled; nothing was stored.` });
    else reportError('Review file not imported', e);
  } finally {
    setReview({ fileProgress: null });
  }
}

/** Compares this browser's reviews with a review file: kappa overall and per task type, and the conflicts. */
export async function compareReviewFile(file: File): Promise<void> {
  const { reportError } = useStudio.getState();
  try {
    const mine = requireReviewer();
    const signal = startFileWork();
    const { reviewer, reviews, tripleOf } = await readReviewFile(file, signal);
    const ours = new Map(review().items.flatMap((i) => (i.review ? [[i.triple.id, i.review] as const] : [])));
    const theirs = new Map(reviews.map((r) => [r.tripleId, r]));
    setReview({ comparison: { fileName: file.name, theirs: reviewer, mine, agreement: agreement(ours, theirs, (id) => tripleOf.get(id)?.task_type) } });
  } catch (e) {
    if (isAbort(e)) setReview({ lastResult: `Reading ${file.name} was cancelled.` });
    else reportError('Review file not compared', e);
  } finally {
    setReview({ fileProgress: null });
  }
}

/** Settles a conflict with one side's review; logged as `settle` with both reviewers. */
export async function settle(tripleId: string, pick: 'mine' | 'theirs'): Promise<void> {
  const { reportError } = useStudio.getState();
  const comparison = review().comparison;
  const conflict = comparison?.agreement.conflicts.find((c) => c.tripleId === tripleId);
  if (!comparison || !conflict) return;
  try {
    const actor = requireReviewer();
    const chosen = pick === 'mine' ? conflict.a : conflict.b;
    const before = review().items.find((i) => i.triple.id === tripleId)?.review ?? null;
    const after: Review = { ...chosen, at: Date.now() };
    await store([{ tripleId, after, event: { at: after.at, actor, action: 'settle', tripleId, before, after, detail: { chose: chosen.reviewer, over: (pick === 'mine' ? conflict.b : conflict.a).reviewer, file: comparison.fileName } } }]);
    setReview({ comparison: { ...comparison, agreement: { ...comparison.agreement, conflicts: comparison.agreement.conflicts.filter((c) => c.tripleId !== tripleId) } } });
  } catch (e) {
    reportError('Conflict not settled', e);
  }
}
