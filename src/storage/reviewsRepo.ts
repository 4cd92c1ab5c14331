// Reviews and the audit trail (issue #11) in the `reviews` and `auditEvents` stores.
// Must: a decision and its audit event are written in ONE transaction, so the latest review and
// the log never disagree. Must: audit events are only ever added, never changed or deleted.
// Must: a batch (an imported review file, a settlement of many conflicts) is stored whole or not at all.
import type { AuditEvent, Review } from '../core/review/decisions';
import type { StudioDatabase } from './db';
import type { AuditEventRecord } from './schema';

/** One change: set `tripleId`'s review to `after` (null = back to unreviewed), logged as `event`. */
export interface ReviewChange {
  tripleId: string;
  after: Review | null;
  event: AuditEvent;
}

/** Every stored review, by triple id. */
export async function getReviews(db: StudioDatabase): Promise<Map<string, Review>> {
  return new Map((await db.getAll('reviews')).map((r) => [r.tripleId, r]));
}

export async function getReview(db: StudioDatabase, tripleId: string): Promise<Review | null> {
  return (await db.get('reviews', tripleId)) ?? null;
}

/** Applies the changes and appends their events in one transaction; resolves with the events' seq numbers. */
export async function applyReviewChanges(db: StudioDatabase, changes: readonly ReviewChange[]): Promise<number[]> {
  const tx = db.transaction(['reviews', 'auditEvents'], 'readwrite');
  const reviews = tx.objectStore('reviews');
  const audit = tx.objectStore('auditEvents');
  const seqs: number[] = [];
  try {
    for (const c of changes) {
      if (c.after) await reviews.put(c.after);
      else await reviews.delete(c.tripleId);
      seqs.push(await audit.add({ ...c.event }));
    }
  } catch (e) {
    // A request that throws when it is made (a bad key) does not abort the transaction by itself.
    tx.abort();
    await tx.done.catch(() => undefined);
    throw e;
  }
  await tx.done;
  return seqs;
}

/** Every audit event by `actor`, oldest first (the undo history is rebuilt from them after a reload). */
export async function listAuditBy(db: StudioDatabase, actor: string): Promise<AuditEventRecord[]> {
  return (await db.getAll('auditEvents')).filter((e) => e.actor === actor);
}

/** The audit events of one triple (oldest first), or the newest `limit` of all (newest first). */
export async function listAudit(db: StudioDatabase, options: { tripleId?: string; limit?: number } = {}): Promise<AuditEventRecord[]> {
  if (options.tripleId !== undefined) return db.getAllFromIndex('auditEvents', 'byTriple', options.tripleId);
  const out: AuditEventRecord[] = [];
  const limit = options.limit ?? 200;
  for (let cursor = await db.transaction('auditEvents').store.openCursor(null, 'prev'); cursor && out.length < limit; cursor = await cursor.continue()) out.push(cursor.value);
  return out;
}

export async function countAudit(db: StudioDatabase): Promise<number> {
  return db.count('auditEvents');
}
