import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from './db';
import { DB_VERSION, STORE_NAMES } from './schema';
import { getSetting, setSetting } from './settingsRepo';

let n = 0;
const freshName = () => `test-db-${n++}`;

describe('studio database', () => {
  it('creates every store and index of the current version', async () => {
    const db = await openStudioDb(freshName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    const tx = db.transaction(['frames', 'auditEvents', 'checkpoints', 'triples']);
    expect([...tx.objectStore('frames').indexNames]).toEqual(['byVideo']);
    expect([...tx.objectStore('auditEvents').indexNames].sort()).toEqual(['byTime', 'byTriple']);
    expect([...tx.objectStore('checkpoints').indexNames]).toEqual(['byRun']);
    expect([...tx.objectStore('triples').indexNames]).toEqual(['byStage']);
    db.close();
  });

  it('returns defaults for unset settings and round-trips set ones across connections', async () => {
    const name = freshName();
    const db = await openStudioDb(name);
    expect(await getSetting(db, 'backendOverride')).toBeNull();
    await setSetting(db, 'backendOverride', 'cpu');
    db.close();
    const again = await openStudioDb(name);
    expect(await getSetting(again, 'backendOverride')).toBe('cpu');
    again.close();
  });

  it('numbers audit events in order (append-only trail)', async () => {
    const db = await openStudioDb(freshName());
    const a = await db.add('auditEvents', { at: 1, actor: 'r1', action: 'accept', tripleId: 't1' });
    const b = await db.add('auditEvents', { at: 2, actor: 'r1', action: 'reject', tripleId: 't1' });
    expect(b).toBeGreaterThan(a);
    expect(await db.getAllFromIndex('auditEvents', 'byTriple', 't1')).toHaveLength(2);
    db.close();
  });

  it('swaps a checkpoint pointer only together with its checkpoint (one transaction)', async () => {
    const db = await openStudioDb(freshName());
    const tx = db.transaction(['checkpoints', 'checkpointPointers'], 'readwrite');
    await tx.objectStore('checkpoints').put({ id: 'c1', runId: 'r', step: 1, createdAt: 0, tensors: {}, rngState: [1], config: {} });
    await tx.objectStore('checkpointPointers').put({ runId: 'r', checkpointId: 'c1' });
    await tx.done;
    // A failed transaction must leave the old pointer in place.
    const bad = db.transaction(['checkpoints', 'checkpointPointers'], 'readwrite');
    await bad.objectStore('checkpoints').put({ id: 'c2', runId: 'r', step: 2, createdAt: 0, tensors: {}, rngState: [2], config: {} });
    await bad.objectStore('checkpointPointers').put({ runId: 'r', checkpointId: 'c2' });
    bad.abort();
    await bad.done.catch(() => undefined);
    expect(await db.get('checkpointPointers', 'r')).toEqual({ runId: 'r', checkpointId: 'c1' });
    expect(await db.get('checkpoints', 'c2')).toBeUndefined();
    db.close();
  });
});
