// Preference triples in the `triples` store (issue #5). The record wraps the studio-format triple
// (src/core/triples/types.ts) with the fields the store indexes.
// Must: a batch is written in ONE transaction, so an import or a synthesis run is stored whole
// or not at all (DESIGN.md §5: "never half-write the store").
import type { Triple } from '../core/triples/types';
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { StudioDatabase } from './db';
import type { StudioDB, TripleRecord } from './schema';

export function tripleRecord(triple: Triple, createdAt: number): TripleRecord {
  return { id: triple.id, stage: triple.stage, task_type: triple.task_type, createdAt, body: triple as unknown as Record<string, unknown> };
}

export function tripleOf(record: TripleRecord): Triple {
  return record.body as unknown as Triple;
}

/**
 * Stores a batch in one transaction. `replace: false` leaves an already stored triple with the
 * same id as it is (a re-run of the same seed adds nothing twice). Resolves with counts.
 */
export async function putTriples(db: StudioDatabase, triples: readonly Triple[], options: { replace?: boolean; now?: number } = {}): Promise<{ added: number; kept: number }> {
  const now = options.now ?? Date.now();
  const tx = db.transaction('triples', 'readwrite');
  let added = 0;
  let kept = 0;
  for (const t of triples) {
    if (!options.replace && (await tx.store.getKey(t.id)) !== undefined) {
      kept++;
      continue;
    }
    await tx.store.put(tripleRecord(t, now));
    added++;
  }
  await tx.done;
  return { added, kept };
}

export async function countTriples(db: StudioDatabase, stage?: 1 | 2): Promise<number> {
  return stage === undefined ? db.count('triples') : db.countFromIndex('triples', 'byStage', stage);
}

/** Every stored triple of a stage (or all), oldest first then by id: export order is stable. */
export async function listTriples(db: StudioDatabase, stage?: 1 | 2): Promise<Triple[]> {
  const records = stage === undefined ? await db.getAll('triples') : await db.getAllFromIndex('triples', 'byStage', stage);
  return records.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(tripleOf);
}

export async function getTriple(db: StudioDatabase, id: string): Promise<Triple | undefined> {
  const record = await db.get('triples', id);
  return record ? tripleOf(record) : undefined;
}

/** Deletes the triples of a stage (or all). Reviews of deleted triples stay (the audit trail is append-only). */
export async function deleteTriples(db: StudioDatabase, stage?: 1 | 2): Promise<number> {
  const tx = db.transaction('triples', 'readwrite');
  let n = 0;
  const source = stage === undefined ? tx.store : tx.store.index('byStage');
  for (let cursor = await source.openCursor(stage === undefined ? undefined : IDBKeyRange.only(stage)); cursor; cursor = await cursor.continue()) {
    await cursor.delete();
    n++;
  }
  await tx.done;
  return n;
}

/** The `triples` store inside any read-write transaction that holds it. */
type WritableTriples = IDBPObjectStore<StudioDB, ArrayLike<StoreNames<StudioDB>>, 'triples', 'readwrite'>;

/**
 * Deletes, inside the caller's transaction, the triples (of `stage`, or both) that cite a clip of
 * any of `videoNames`; resolves with how many, and which of those videos they cited.
 */
export async function deleteTriplesCiting(store: WritableTriples, videoNames: ReadonlySet<string>, stage?: 1 | 2): Promise<{ deleted: number; videos: Set<string> }> {
  let deleted = 0;
  const videos = new Set<string>();
  const source = stage === undefined ? store : store.index('byStage');
  for (let cursor = await source.openCursor(stage === undefined ? undefined : IDBKeyRange.only(stage)); cursor; cursor = await cursor.continue()) {
    const cited = ((cursor.value.body as { clips?: { video_name?: string }[] }).clips ?? []).flatMap((c) => (c.video_name !== undefined && videoNames.has(c.video_name) ? [c.video_name] : []));
    if (cited.length === 0) continue;
    for (const n of cited) videos.add(n);
    await cursor.delete();
    deleted++;
  }
  return { deleted, videos };
}

/** Deletes the triples (of `stage`, or both) that cite a clip of any of `videoNames` (one transaction); reviews stay, as above. */
export async function deleteTriplesOfVideos(db: StudioDatabase, videoNames: ReadonlySet<string>, stage?: 1 | 2): Promise<number> {
  const tx = db.transaction('triples', 'readwrite');
  const { deleted } = await deleteTriplesCiting(tx.objectStore('triples'), videoNames, stage);
  await tx.done;
  return deleted;
}
