import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { parseAnnotations } from '../core/generators/annotationsFile';
import { annotationCounts } from '../core/generators/importReport';
import { deleteAnnotationSet, listAnnotationSets, putAnnotationSet } from './annotationsRepo';
import { openStudioDb } from './db';
import { DB_VERSION, STORE_NAMES, type AnnotationSetRecord } from './schema';
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
    const a = await db.add('auditEvents', { at: 1, actor: 'r1', action: 'accept', tripleId: 't1', before: null, after: null });
    const b = await db.add('auditEvents', { at: 2, actor: 'r1', action: 'reject', tripleId: 't1', before: null, after: null });
    expect(b).toBeGreaterThan(a);
    expect(await db.getAllFromIndex('auditEvents', 'byTriple', 't1')).toHaveLength(2);
    db.close();
  });

  it('swaps a checkpoint pointer only together with its checkpoint (one transaction)', async () => {
    const db = await openStudioDb(freshName());
    const tx = db.transaction(['checkpoints', 'checkpointPointers'], 'readwrite');
    await tx.objectStore('checkpoints').put({ id: 'c1', runId: 'r', step: 1, createdAt: 0, byteLength: 0, chunkCount: 0 });
    await tx.objectStore('checkpointPointers').put({ runId: 'r', checkpointId: 'c1' });
    await tx.done;
    // A failed transaction must leave the old pointer in place.
    const bad = db.transaction(['checkpoints', 'checkpointPointers'], 'readwrite');
    await bad.objectStore('checkpoints').put({ id: 'c2', runId: 'r', step: 2, createdAt: 0, byteLength: 0, chunkCount: 0 });
    await bad.objectStore('checkpointPointers').put({ runId: 'r', checkpointId: 'c2' });
    bad.abort();
    await bad.done.catch(() => undefined);
    expect(await db.get('checkpointPointers', 'r')).toEqual({ runId: 'r', checkpointId: 'c1' });
    expect(await db.get('checkpoints', 'c2')).toBeUndefined();
    db.close();
  });
});

/** Version 1 exactly as it shipped: a frozen copy, so the upgrade is tested from real v1 data. */
async function createVersion1(name: string): Promise<void> {
  const db = await openDB(name, 1, {
    upgrade(v1) {
      v1.createObjectStore('settings', { keyPath: 'key' });
      v1.createObjectStore('videos', { keyPath: 'id' }).createIndex('byHash', 'contentHash');
      v1.createObjectStore('frames', { keyPath: 'key' }).createIndex('byVideo', 'videoId');
      v1.createObjectStore('embeddings', { keyPath: 'key' }).createIndex('byVideo', 'videoId');
      v1.createObjectStore('clips', { keyPath: 'id' }).createIndex('byVideo', 'videoId');
      v1.createObjectStore('triples', { keyPath: 'id' }).createIndex('byStage', 'stage');
      v1.createObjectStore('reviews', { keyPath: 'tripleId' });
      const audit = v1.createObjectStore('auditEvents', { keyPath: 'seq', autoIncrement: true });
      audit.createIndex('byTriple', 'tripleId');
      audit.createIndex('byTime', 'at');
      v1.createObjectStore('runs', { keyPath: 'id' });
      v1.createObjectStore('checkpoints', { keyPath: 'id' }).createIndex('byRun', 'runId');
      v1.createObjectStore('checkpointPointers', { keyPath: 'runId' });
    },
  });
  await db.put('settings', { key: 'decoder', value: 'ffmpeg' });
  await db.put('videos', { id: 'v1', name: 'talk.mp4', contentHash: 'abc', sizeBytes: 3, mimeType: 'video/mp4', file: new Blob(['abc']), addedAt: 1 });
  await db.put('frames', { key: 'v1|s|0000000', videoId: 'v1', samplingKey: 's', index: 0, timeS: 0, thumbnail: new Blob(['jpg']) });
  await db.add('auditEvents', { at: 1, actor: 'r1', action: 'accept', tripleId: 't1' });
  db.close();
}

function annotationSet(id: string, sourceName: string, text: string, importedAt: number): AnnotationSetRecord {
  const parsed = parseAnnotations(text);
  if (!parsed.ok) throw new Error('test annotations must parse');
  const records = parsed.annotations;
  return { id, sourceName, format: 'annotations-jsonl', importedAt, records, counts: annotationCounts(records) };
}

describe('version 2, 3 and 4 upgrades', () => {
  it('adds annotationSets (v2), the training stores (v3) and the SFT runs\' questions (v4) to a version 1 database and keeps its settings, videos, frames and audit trail', async () => {
    const name = freshName();
    await createVersion1(name);
    const db = await openStudioDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.transaction('checkpointChunks').store.indexNames]).toEqual(['byCheckpoint']);
    expect([...db.transaction('runMetrics').store.indexNames]).toEqual(['byRun']);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect(await getSetting(db, 'decoder')).toBe('ffmpeg');
    expect((await db.get('videos', 'v1'))?.name).toBe('talk.mp4');
    expect(await db.getAllFromIndex('frames', 'byVideo', 'v1')).toHaveLength(1);
    expect(await db.getAllFromIndex('auditEvents', 'byTriple', 't1')).toHaveLength(1);
    expect(await listAnnotationSets(db)).toEqual([]);
    expect(await db.count('runSftSamples')).toBe(0);
    db.close();
  });

  it('gives the generator settings their defaults: oracle, no endpoint, no key', async () => {
    const db = await openStudioDb(freshName());
    expect(await getSetting(db, 'activeGenerator')).toBe('oracle');
    expect(await getSetting(db, 'endpoint')).toBeNull();
    expect(await getSetting(db, 'endpointApiKey')).toBeNull();
    db.close();
  });
});

describe('annotation sets', () => {
  const line = (video: string, caption: string) => JSON.stringify({ video, start_s: 0, end_s: 8, caption });

  it('stores, lists oldest first, and deletes sets with their parsed records', async () => {
    const name = freshName();
    const db = await openStudioDb(name);
    await putAnnotationSet(db, annotationSet('b', 'b.jsonl', line('b.mp4', 'A blue cube.'), 2));
    await putAnnotationSet(db, annotationSet('a', 'a.jsonl', `${line('a.mp4', 'A red ball.')}\n${line('a2.mp4', 'A green cone.')}`, 1));
    db.close();
    const again = await openStudioDb(name);
    const sets = await listAnnotationSets(again);
    expect(sets.map((s) => s.id)).toEqual(['a', 'b']);
    expect(sets[0]?.records.map((r) => r.caption)).toEqual(['A red ball.', 'A green cone.']);
    await deleteAnnotationSet(again, 'a');
    expect((await listAnnotationSets(again)).map((s) => s.id)).toEqual(['b']);
    again.close();
  });

  it('replaces an earlier import of a file with the same name instead of doubling its records', async () => {
    const db = await openStudioDb(freshName());
    await putAnnotationSet(db, annotationSet('old', 'talk.jsonl', line('talk.mp4', 'Old caption.'), 1));
    await putAnnotationSet(db, annotationSet('other', 'other.jsonl', line('x.mp4', 'Other.'), 2));
    expect(await putAnnotationSet(db, annotationSet('new', 'talk.jsonl', line('talk.mp4', 'New caption.'), 3))).toEqual({ replaced: 1 });
    const sets = await listAnnotationSets(db);
    expect(sets.map((s) => s.id)).toEqual(['other', 'new']);
    expect(sets[1]?.records[0]?.caption).toBe('New caption.');
    db.close();
  });
});
