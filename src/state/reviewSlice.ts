// Review state (issue #11): the queue (every stored triple with its review), the filter (mirrored
// in the URL hash), the open triple, undo/redo history, the reviewer, and a comparison with
// another reviewer's file. Written by reviewService.
import type { StateCreator } from 'zustand';
import type { Agreement } from '../core/review/agreement';
import { EMPTY_HISTORY, type ReviewHistory } from '../core/review/decisions';
import type { QueueFilter, QueueItem } from '../core/review/queue';
import type { AuditEventRecord } from '../storage/schema';
import type { Progress } from '../workers/rpc';
import type { ClipMap } from '../workers/reviewHandlers';

export interface ReviewComparison {
  fileName: string;
  /** The other reviewer (the file's header) and this browser's reviewer. */
  theirs: string;
  mine: string;
  agreement: Agreement;
}

export interface ReviewSlice {
  review: {
    loaded: boolean;
    items: QueueItem[];
    filter: QueueFilter;
    /** The triple open in the triple view. */
    currentId: string | null;
    reviewer: string;
    history: ReviewHistory;
    /** Audit events of the open triple, oldest first. */
    audit: AuditEventRecord[];
    auditCount: number;
    comparison: ReviewComparison | null;
    busy: string | null;
    lastResult: string | null;
    /** The embedding map (null until computed) and the progress of computing it. */
    map: ClipMap | null;
    mapProgress: Progress | null;
    /** Why the last map request left no new map (cancelled). */
    mapNote: string | null;
    /** Maps computed in this page (the map element carries it, so a recomputed map can be told apart). */
    mapSerial: number;
    /** A review file being read or an export being written: its progress (Cancel stops it). */
    fileProgress: Progress | null;
  };
  setReview(patch: Partial<ReviewSlice['review']>): void;
}

export const createReviewSlice = <S extends ReviewSlice>(): StateCreator<S, [], [], ReviewSlice> => (set) => ({
  review: { loaded: false, items: [], filter: {}, currentId: null, reviewer: '', history: EMPTY_HISTORY, audit: [], auditCount: 0, comparison: null, busy: null, lastResult: null, map: null, mapProgress: null, mapNote: null, mapSerial: 0, fileProgress: null },
  setReview(patch) {
    set((s) => ({ review: { ...s.review, ...patch } }) as Partial<S>);
  },
});
