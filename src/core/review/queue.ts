// The review queue (issue #11): filters, full-text search and sort over triples with their
// reviews, and the filter's form in the URL hash query (`#/review?stage=1&status=unreviewed`),
// so a view can be shared or reloaded. Pure.

import type { Triple } from '../triples/types';
import { QUEUE_STATUSES, type QueueStatus, type Review } from './decisions';

export const QUEUE_SORTS = {
  stored: 'Stored order',
  similarity_desc: 'Max distractor similarity, highest first',
  similarity_asc: 'Max distractor similarity, lowest first',
  task_type: 'Task type',
  reviewed_desc: 'Reviewed, newest first',
} as const;
export type QueueSort = keyof typeof QUEUE_SORTS;

export interface QueueFilter {
  stage?: 1 | 2;
  taskType?: string;
  status?: QueueStatus;
  strategy?: string;
  generator?: string;
  /** Source video name: a triple matches when any of its clips comes from it. */
  video?: string;
  /** Only triples whose max distractor similarity is at least this (Stage 1 measure). */
  minSimilarity?: number;
  /** Case-insensitive words, all of which must occur in question, chosen or rejected. */
  text?: string;
  sort?: QueueSort;
  /**
   * The embedding map's selection (lasso or a clicked clip): only triples whose anchor (Stage 1)
   * or a cited scene (Stage 2) is one of these clip ids. Not written to the URL (it can hold
   * thousands of ids).
   */
  keyClips?: ReadonlySet<string>;
}

/** Clip ids a triple is about: its anchor (Stage 1) or its cited scenes (Stage 2). */
export function keyClipIds(t: Triple): string[] {
  if (t.anchor_index !== undefined) return t.clips[t.anchor_index] ? [t.clips[t.anchor_index]!.id] : [];
  return (t.relevant_clips ?? []).flatMap((i) => (t.clips[i] ? [t.clips[i]!.id] : []));
}

export interface QueueItem {
  triple: Triple;
  review: Review | undefined;
  /** Position in stored order (the default sort). */
  order: number;
}

export function statusOf(review: Review | undefined): QueueStatus {
  return review?.status ?? 'unreviewed';
}

/** Search text of a triple, lower-cased once (and the edited text too, when it was edited). */
function haystack(item: QueueItem): string {
  const t = item.triple;
  const e = item.review?.edit;
  return [t.question, t.chosen, t.rejected, e?.question ?? '', e?.chosen ?? '', e?.rejected ?? ''].join('\n').toLowerCase();
}

export function matches(item: QueueItem, f: QueueFilter): boolean {
  const t = item.triple;
  if (f.stage !== undefined && t.stage !== f.stage) return false;
  if (f.taskType !== undefined && t.task_type !== f.taskType) return false;
  if (f.status !== undefined && statusOf(item.review) !== f.status) return false;
  if (f.strategy !== undefined && t.rejected_strategy !== f.strategy) return false;
  if (f.generator !== undefined && t.provenance.generator !== f.generator) return false;
  if (f.video !== undefined && !t.clips.some((c) => c.video_name === f.video)) return false;
  if (f.minSimilarity !== undefined && !((t.filters.max_distractor_similarity ?? -Infinity) >= f.minSimilarity)) return false;
  if (f.keyClips !== undefined && !keyClipIds(t).some((id) => f.keyClips!.has(id))) return false;
  if (f.text) {
    const hay = haystack(item);
    for (const word of f.text.toLowerCase().split(/\s+/).filter(Boolean)) if (!hay.includes(word)) return false;
  }
  return true;
}

/** The items that pass `f`, in its sort order (stable: ties keep stored order). */
export function filterQueue(items: readonly QueueItem[], f: QueueFilter): QueueItem[] {
  const out = items.filter((i) => matches(i, f));
  const sim = (i: QueueItem) => i.triple.filters.max_distractor_similarity ?? -Infinity;
  switch (f.sort ?? 'stored') {
    case 'stored':
      return out;
    case 'similarity_desc':
      return out.sort((x, y) => sim(y) - sim(x) || x.order - y.order);
    case 'similarity_asc':
      return out.sort((x, y) => sim(x) - sim(y) || x.order - y.order);
    case 'task_type':
      return out.sort((x, y) => (x.triple.task_type < y.triple.task_type ? -1 : x.triple.task_type > y.triple.task_type ? 1 : x.order - y.order));
    case 'reviewed_desc':
      return out.sort((x, y) => (y.review?.at ?? -1) - (x.review?.at ?? -1) || x.order - y.order);
  }
}

/** Distinct values of the queue's facets, sorted, for the filter menus. */
export function facets(triples: readonly Triple[]): { taskTypes: string[]; strategies: string[]; generators: string[]; videos: string[] } {
  const sets = { taskTypes: new Set<string>(), strategies: new Set<string>(), generators: new Set<string>(), videos: new Set<string>() };
  for (const t of triples) {
    sets.taskTypes.add(t.task_type);
    sets.strategies.add(t.rejected_strategy);
    sets.generators.add(t.provenance.generator);
    for (const c of t.clips) sets.videos.add(c.video_name);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return { taskTypes: sorted(sets.taskTypes), strategies: sorted(sets.strategies), generators: sorted(sets.generators), videos: sorted(sets.videos) };
}

/** Index of the next item (after `from`, wrapping) that is unreviewed; -1 when none is. */
export function nextUnreviewed(items: readonly QueueItem[], from: number): number {
  for (let k = 1; k <= items.length; k++) {
    const i = (from + k + items.length) % items.length;
    if (!items[i]?.review) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// URL form: the query part of `#/review?…`. Unknown keys and bad values are ignored (a shared
// link from a newer version still opens).

const KEYS: Record<Exclude<keyof QueueFilter, 'stage' | 'minSimilarity' | 'keyClips'>, string> = { taskType: 'task', status: 'status', strategy: 'strategy', generator: 'generator', video: 'video', text: 'q', sort: 'sort' };

/** A tiny `URLSearchParams` (core has no DOM lib): ordered key=value pairs, percent-encoded. */
class QueryParams {
  private readonly pairs: [string, string][] = [];
  constructor(query = '') {
    for (const part of query.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const decode = (x: string) => {
        try {
          return decodeURIComponent(x.replace(/\+/g, ' '));
        } catch {
          return '';
        }
      };
      this.pairs.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
    }
  }
  get(key: string): string | null {
    return this.pairs.find(([k]) => k === key)?.[1] ?? null;
  }
  set(key: string, value: string): void {
    this.pairs.push([key, value]);
  }
  toString(): string {
    return this.pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  }
}

export function filterToQuery(f: QueueFilter): string {
  const p = new QueryParams();
  if (f.stage !== undefined) p.set('stage', String(f.stage));
  for (const [field, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
    const v = f[field];
    if (v !== undefined && v !== '' && !(field === 'sort' && v === 'stored')) p.set(key, v);
  }
  if (f.minSimilarity !== undefined) p.set('minsim', String(f.minSimilarity));
  return p.toString();
}

export function filterFromQuery(query: string): QueueFilter {
  const p = new QueryParams(query.replace(/^\?/, ''));
  const f: QueueFilter = {};
  const stage = p.get('stage');
  if (stage === '1' || stage === '2') f.stage = Number(stage) as 1 | 2;
  const status = p.get('status');
  if (status && (QUEUE_STATUSES as readonly string[]).includes(status)) f.status = status as QueueStatus;
  const sort = p.get('sort');
  if (sort && Object.hasOwn(QUEUE_SORTS, sort)) f.sort = sort as QueueSort;
  for (const field of ['taskType', 'strategy', 'generator', 'video', 'text'] as const) {
    const v = p.get(KEYS[field]);
    if (v) f[field] = v;
  }
  const minsim = p.get('minsim');
  if (minsim !== null && minsim.trim() !== '' && Number.isFinite(Number(minsim))) f.minSimilarity = Number(minsim);
  return f;
}

/** The query part of a location hash (`#/review?stage=1` → `stage=1`). */
export function hashQuery(hash: string): string {
  const i = hash.indexOf('?');
  return i < 0 ? '' : hash.slice(i + 1);
}
