import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decide } from '../core/review/decisions';
import { exampleTriple } from '../core/triples/fixtures';
import { openStudioDb } from './db';
import { applyReviewChanges, countAudit, getReview, getReviews, listAudit, listAuditBy } from './reviewsRepo';

const t = exampleTriple({ id: 'a' });

describe('reviewsRepo', () => {
  it('stores the latest review and appends every action to the audit log, edit originals included', async () => {
    const db = await openStudioDb('reviews-test-1');
    const accept = decide(t, null, { kind: 'accept' }, 'ana', 1);
    await applyReviewChanges(db, [{ tripleId: t.id, ...accept }]);
    const edit = decide(t, accept.after, { kind: 'edit', edit: { chosen: 'Red.' } }, 'ana', 2);
    await applyReviewChanges(db, [{ tripleId: t.id, ...edit }]);
    expect((await getReview(db, 'a'))?.edit).toEqual({ chosen: 'Red.' });
    const clear = decide(t, edit.after, { kind: 'clear' }, 'ana', 3);
    await applyReviewChanges(db, [{ tripleId: t.id, ...clear }]);
    expect(await getReview(db, 'a')).toBeNull();
    const log = await listAudit(db, { tripleId: 'a' });
    expect(log.map((e) => [e.seq, e.action])).toEqual([
      [1, 'accept'],
      [2, 'edit'],
      [3, 'clear'],
    ]);
    expect(log[1]?.after?.original).toEqual({ chosen: 'The ball is red.' });
    expect((await listAudit(db, { limit: 2 })).map((e) => e.seq)).toEqual([3, 2]);
    // One reviewer's events, oldest first (the undo history is rebuilt from them).
    await applyReviewChanges(db, [{ tripleId: t.id, ...decide(t, null, { kind: 'reject' }, 'bo', 4) }]);
    expect((await listAuditBy(db, 'ana')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await listAuditBy(db, 'bo')).map((e) => e.action)).toEqual(['reject']);
  });

  it('writes a batch whole or not at all', async () => {
    const db = await openStudioDb('reviews-test-2');
    const ok = decide(t, null, { kind: 'accept' }, 'ana', 1);
    // A review without its key makes the put fail inside the transaction: nothing of the batch stays.
    const broken = { tripleId: 'b', after: { ...ok.after!, tripleId: undefined as unknown as string }, event: ok.event };
    await expect(applyReviewChanges(db, [{ tripleId: t.id, ...ok }, broken])).rejects.toThrow();
    expect((await getReviews(db)).size).toBe(0);
    expect(await countAudit(db)).toBe(0);
  });
});
