// Training runs, checkpoints, metrics and cached reference log-probs in IndexedDB (issue #12).
// The compute worker wraps these in the trainer's RunStore; the UI lists and deletes through them.
//
// Must: a checkpoint's chunks are written first (their own transactions), then ONE transaction
// writes its manifest, moves the run's pointer, appends the metrics it covers and updates the run
// record. A tab killed before that transaction leaves the previous checkpoint current; its
// orphan chunks are swept by `sweepOrphanChunks`. Must: deleting a run deletes everything of it.
import type { StudioDatabase } from './db';
import type { CheckpointRecord, RunMetricRecord, RunRecord, RunSftSamplesRecord } from './schema';

/** Bytes per chunk: small enough for one structured clone, large enough for few records. */
export const CHUNK_BYTES = 1 << 20;

const chunkKey = (checkpointId: string, i: number): string => `${checkpointId}|${String(i).padStart(5, '0')}`;
const metricKey = (runId: string, step: number): string => `${runId}|${String(step).padStart(6, '0')}`;

export async function putRun(db: StudioDatabase, run: RunRecord): Promise<void> {
  await db.put('runs', run);
}

/** A new run's record and, for SFT, the questions it starts with, in one transaction: both or neither. */
export async function createRun(db: StudioDatabase, run: RunRecord, sftSamples?: RunSftSamplesRecord): Promise<void> {
  const tx = db.transaction(['runs', 'runSftSamples'], 'readwrite');
  const requests: Promise<unknown>[] = [];
  try {
    requests.push(tx.objectStore('runs').put(run));
    if (sftSamples) requests.push(tx.objectStore('runSftSamples').put(sftSamples));
  } catch (e) {
    // A put that throws (a bad record) does not abort the transaction by itself.
    for (const r of requests) r.catch(() => undefined);
    tx.abort();
    await tx.done.catch(() => undefined);
    throw e;
  }
  await Promise.all([...requests, tx.done]);
}

export async function getRun(db: StudioDatabase, id: string): Promise<RunRecord | undefined> {
  return db.get('runs', id);
}

export async function listRuns(db: StudioDatabase): Promise<RunRecord[]> {
  return (await db.getAll('runs')).sort((a, b) => b.createdAt - a.createdAt);
}

/** Writes the chunks of a checkpoint (step 1 of 2). */
export async function writeCheckpointChunks(db: StudioDatabase, checkpointId: string, bytes: Uint8Array, signal?: AbortSignal): Promise<number> {
  const count = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
  for (let i = 0; i < count; i++) {
    signal?.throwIfAborted();
    const slice = bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
    await db.put('checkpointChunks', { key: chunkKey(checkpointId, i), checkpointId, index: i, bytes: slice.buffer });
  }
  return count;
}

/** Makes a checkpoint whose chunks are written the run's current one (step 2 of 2, one transaction). */
export async function commitCheckpoint(
  db: StudioDatabase,
  manifest: CheckpointRecord,
  o: { metrics: readonly Record<string, number>[]; run: Partial<RunRecord> },
): Promise<void> {
  const tx = db.transaction(['checkpoints', 'checkpointPointers', 'runMetrics', 'runs'], 'readwrite');
  const run = await tx.objectStore('runs').get(manifest.runId);
  await tx.objectStore('checkpoints').put(manifest);
  await tx.objectStore('checkpointPointers').put({ runId: manifest.runId, checkpointId: manifest.id });
  for (const m of o.metrics) {
    const step = m.step as number;
    await tx.objectStore('runMetrics').put({ key: metricKey(manifest.runId, step), runId: manifest.runId, step, metrics: m } satisfies RunMetricRecord);
  }
  if (run) await tx.objectStore('runs').put({ ...run, ...o.run, updatedAt: Date.now() });
  await tx.done;
}

export async function saveCheckpoint(db: StudioDatabase, manifest: Omit<CheckpointRecord, 'chunkCount' | 'byteLength'>, bytes: Uint8Array, o: { metrics: readonly Record<string, number>[]; run: Partial<RunRecord>; signal?: AbortSignal }): Promise<void> {
  const chunkCount = await writeCheckpointChunks(db, manifest.id, bytes, o.signal);
  await commitCheckpoint(db, { ...manifest, chunkCount, byteLength: bytes.length }, o);
}

/** A checkpoint's bytes, or undefined when its manifest is missing. */
export async function readCheckpoint(db: StudioDatabase, id: string): Promise<Uint8Array | undefined> {
  const manifest = await db.get('checkpoints', id);
  if (!manifest) return undefined;
  const out = new Uint8Array(manifest.byteLength);
  const tx = db.transaction('checkpointChunks');
  for (let i = 0; i < manifest.chunkCount; i++) {
    const chunk = await tx.store.get(chunkKey(id, i));
    if (!chunk) throw new Error(`checkpoint ${id} is missing chunk ${i}`);
    out.set(new Uint8Array(chunk.bytes), i * CHUNK_BYTES);
  }
  return out;
}

export async function currentCheckpointId(db: StudioDatabase, runId: string): Promise<string | undefined> {
  return (await db.get('checkpointPointers', runId))?.checkpointId;
}

export async function readCurrentCheckpoint(db: StudioDatabase, runId: string): Promise<{ id: string; bytes: Uint8Array } | undefined> {
  const id = await currentCheckpointId(db, runId);
  if (id === undefined) return undefined;
  const bytes = await readCheckpoint(db, id);
  return bytes ? { id, bytes } : undefined;
}

export async function listCheckpoints(db: StudioDatabase, runId?: string): Promise<CheckpointRecord[]> {
  const all = runId === undefined ? await db.getAll('checkpoints') : await db.getAllFromIndex('checkpoints', 'byRun', runId);
  return all.sort((a, b) => a.runId.localeCompare(b.runId) || a.step - b.step);
}

async function deleteChunks(db: StudioDatabase, checkpointId: string): Promise<void> {
  const tx = db.transaction('checkpointChunks', 'readwrite');
  for (const key of await tx.store.index('byCheckpoint').getAllKeys(checkpointId)) await tx.store.delete(key);
  await tx.done;
}

/** Deletes one checkpoint that is not a run's current one. */
export async function deleteCheckpoint(db: StudioDatabase, id: string): Promise<void> {
  const manifest = await db.get('checkpoints', id);
  if (manifest && (await currentCheckpointId(db, manifest.runId)) === id) throw new Error('the current checkpoint of a run is deleted with its run');
  await db.delete('checkpoints', id);
  await deleteChunks(db, id);
}

/** Chunks whose checkpoint never got its manifest (a write interrupted halfway). */
export async function sweepOrphanChunks(db: StudioDatabase): Promise<number> {
  const manifests = new Set(await db.getAllKeys('checkpoints'));
  const orphans = new Set<string>();
  for (const key of await db.getAllKeys('checkpointChunks')) {
    const id = key.slice(0, key.lastIndexOf('|'));
    if (!manifests.has(id)) orphans.add(id);
  }
  for (const id of orphans) await deleteChunks(db, id);
  return orphans.size;
}

export async function runMetrics(db: StudioDatabase, runId: string): Promise<Record<string, number>[]> {
  return (await db.getAllFromIndex('runMetrics', 'byRun', runId)).sort((a, b) => a.step - b.step).map((r) => r.metrics);
}

/** Drops metrics past `step` (logged after the checkpoint a resume starts from). */
export async function truncateRunMetrics(db: StudioDatabase, runId: string, step: number): Promise<void> {
  const tx = db.transaction('runMetrics', 'readwrite');
  for (const r of await tx.store.index('byRun').getAll(runId)) if (r.step > step) await tx.store.delete(r.key);
  await tx.done;
}

export async function deleteRun(db: StudioDatabase, runId: string): Promise<void> {
  const checkpoints = await listCheckpoints(db, runId);
  const tx = db.transaction(['runs', 'checkpoints', 'checkpointPointers', 'runMetrics', 'runSftSamples'], 'readwrite');
  await tx.objectStore('runs').delete(runId);
  await tx.objectStore('runSftSamples').delete(runId);
  await tx.objectStore('checkpointPointers').delete(runId);
  for (const c of checkpoints) await tx.objectStore('checkpoints').delete(c.id);
  const metrics = tx.objectStore('runMetrics');
  for (const key of await metrics.index('byRun').getAllKeys(runId)) await metrics.delete(key);
  await tx.done;
  for (const c of checkpoints) await deleteChunks(db, c.id);
}

export async function getRefLogps(db: StudioDatabase, key: string): Promise<Map<string, { chosen: number; rejected: number }> | undefined> {
  const r = await db.get('refLogps', key);
  return r ? new Map(Object.entries(r.logps).map(([id, [chosen, rejected]]) => [id, { chosen, rejected }])) : undefined;
}

export async function putRefLogps(db: StudioDatabase, key: string, logps: Map<string, { chosen: number; rejected: number }>): Promise<void> {
  await db.put('refLogps', { key, logps: Object.fromEntries([...logps].map(([id, r]) => [id, [r.chosen, r.rejected] as [number, number]])) });
}

/** The questions an SFT run started with; undefined for a run from before v4 (or not SFT). */
export async function getRunSftSamples(db: StudioDatabase, runId: string): Promise<RunSftSamplesRecord | undefined> {
  return db.get('runSftSamples', runId);
}
