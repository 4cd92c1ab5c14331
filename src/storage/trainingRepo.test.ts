import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from './db';
import { CHUNK_BYTES, commitCheckpoint, deleteRun, getRefLogps, getRunSftSamples, listCheckpoints, putRefLogps, createRun, putRun, readCurrentCheckpoint, runMetrics, saveCheckpoint, sweepOrphanChunks, truncateRunMetrics, writeCheckpointChunks } from './trainingRepo';

let n = 0;
const bytesOf = (len: number, seed: number): Uint8Array => Uint8Array.from({ length: len }, (_, i) => (i * 31 + seed) & 255);
const run = { id: 'r', stage: 'sft' as const, createdAt: 1, status: 'running' as const, config: {} };

describe('training repository', () => {
  it('stores a multi-chunk checkpoint and reads back the same bytes as the current one', async () => {
    const db = await openStudioDb(`train-db-${n++}`);
    await putRun(db, run);
    const bytes = bytesOf(2 * CHUNK_BYTES + 123, 1);
    await saveCheckpoint(db, { id: 'r@000002', runId: 'r', step: 2, createdAt: 5 }, bytes, { metrics: [{ step: 1, loss: 3 }, { step: 2, loss: 2 }], run: { step: 2, status: 'paused' } });
    const current = await readCurrentCheckpoint(db, 'r');
    expect(current?.id).toBe('r@000002');
    expect(current?.bytes).toEqual(bytes);
    expect((await listCheckpoints(db, 'r'))[0]?.chunkCount).toBe(3);
    expect(await runMetrics(db, 'r')).toEqual([{ step: 1, loss: 3 }, { step: 2, loss: 2 }]);
    expect((await db.get('runs', 'r'))?.status).toBe('paused');
    db.close();
  });

  it('a write killed after its chunks (before the manifest) leaves the previous checkpoint current', async () => {
    const db = await openStudioDb(`train-db-${n++}`);
    await putRun(db, run);
    const first = bytesOf(CHUNK_BYTES + 10, 2);
    await saveCheckpoint(db, { id: 'r@000001', runId: 'r', step: 1, createdAt: 1 }, first, { metrics: [{ step: 1, loss: 1 }], run: { step: 1 } });
    // The tab dies here: the second checkpoint's chunks are written, its manifest transaction never runs.
    await writeCheckpointChunks(db, 'r@000002', bytesOf(CHUNK_BYTES + 10, 3));
    expect((await readCurrentCheckpoint(db, 'r'))?.bytes).toEqual(first);
    // A manifest transaction that fails (e.g. quota) moves nothing either.
    const tx = db.transaction(['checkpoints', 'checkpointPointers'], 'readwrite');
    await tx.objectStore('checkpoints').put({ id: 'r@000003', runId: 'r', step: 3, createdAt: 3, byteLength: 1, chunkCount: 1 });
    await tx.objectStore('checkpointPointers').put({ runId: 'r', checkpointId: 'r@000003' });
    tx.abort();
    await tx.done.catch(() => undefined);
    expect((await readCurrentCheckpoint(db, 'r'))?.id).toBe('r@000001');
    expect(await sweepOrphanChunks(db)).toBe(1);
    expect(await db.count('checkpointChunks')).toBe(2);
    expect((await readCurrentCheckpoint(db, 'r'))?.bytes).toEqual(first);
    db.close();
  });

  it('creates a run and its SFT questions together, or neither', async () => {
    const db = await openStudioDb(`train-db-${n++}`);
    const samples = [{ id: 'c1:q0', clips: ['c1'], question: 'What colour is the circle?', answer: 'red' }];
    // A questions record without its key: the put fails, and the run is not written either.
    await expect(createRun(db, run, { questionForm: 'both', generator: 'g', createdAt: 3, samples } as unknown as Parameters<typeof createRun>[2])).rejects.toThrow();
    expect(await db.count('runs')).toBe(0);
    await createRun(db, run, { runId: 'r', questionForm: 'both', generator: 'g', createdAt: 3, samples });
    expect((await getRunSftSamples(db, 'r'))?.samples).toEqual(samples);
    expect(await db.count('runs')).toBe(1);
    db.close();
  });

  it('truncates metrics past a resume point, caches reference log-probs, and deletes a run whole', async () => {
    const db = await openStudioDb(`train-db-${n++}`);
    await writeCheckpointChunks(db, 'r@000001', bytesOf(10, 4));
    await commitCheckpoint(db, { id: 'r@000001', runId: 'r', step: 1, createdAt: 1, byteLength: 10, chunkCount: 1 }, { metrics: [1, 2, 3].map((step) => ({ step, loss: step })), run: {} });
    await truncateRunMetrics(db, 'r', 1);
    expect(await runMetrics(db, 'r')).toEqual([{ step: 1, loss: 1 }]);
    await putRefLogps(db, 'ref|anchor', new Map([['t1', { chosen: -1.5, rejected: -2.5 }]]));
    expect((await getRefLogps(db, 'ref|anchor'))?.get('t1')).toEqual({ chosen: -1.5, rejected: -2.5 });
    const samples = [{ id: 'c1:q0', clips: ['c1'], question: 'What colour is the circle?', answer: 'red' }];
    await createRun(db, run, { runId: 'r', questionForm: 'both', generator: 'endpoint test-vlm', createdAt: 3, samples });
    expect((await getRunSftSamples(db, 'r'))?.samples).toEqual(samples);
    expect(await getRunSftSamples(db, 'other')).toBeUndefined();
    await deleteRun(db, 'r');
    for (const store of ['runs', 'checkpoints', 'checkpointChunks', 'checkpointPointers', 'runMetrics', 'runSftSamples'] as const) expect(await db.count(store)).toBe(0);
    db.close();
  });
});
