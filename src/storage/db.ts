// Opening the studio database: every version's upgrade lives here, gated by oldVersion.
import { openDB, type IDBPDatabase } from 'idb';
import { UserFacingError } from '../core/errors';
import { DB_NAME, DB_VERSION, type StudioDB } from './schema';

export type StudioDatabase = IDBPDatabase<StudioDB>;

export class StorageUnavailableError extends UserFacingError {
  override name = 'StorageUnavailableError';
}

export async function openStudioDb(name = DB_NAME): Promise<StudioDatabase> {
  try {
    return await openDB<StudioDB>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('settings', { keyPath: 'key' });
          db.createObjectStore('videos', { keyPath: 'id' }).createIndex('byHash', 'contentHash');
          db.createObjectStore('frames', { keyPath: 'key' }).createIndex('byVideo', 'videoId');
          db.createObjectStore('embeddings', { keyPath: 'key' }).createIndex('byVideo', 'videoId');
          db.createObjectStore('clips', { keyPath: 'id' }).createIndex('byVideo', 'videoId');
          db.createObjectStore('triples', { keyPath: 'id' }).createIndex('byStage', 'stage');
          db.createObjectStore('reviews', { keyPath: 'tripleId' });
          const audit = db.createObjectStore('auditEvents', { keyPath: 'seq', autoIncrement: true });
          audit.createIndex('byTriple', 'tripleId');
          audit.createIndex('byTime', 'at');
          db.createObjectStore('runs', { keyPath: 'id' });
          db.createObjectStore('checkpoints', { keyPath: 'id' }).createIndex('byRun', 'runId');
          db.createObjectStore('checkpointPointers', { keyPath: 'runId' });
        }
        if (oldVersion < 2) {
          // Imported caption/QA files (issue #4); v1 stores and their data are left as they are.
          db.createObjectStore('annotationSets', { keyPath: 'id' });
        }
        if (oldVersion < 3) {
          // Training (issue #12): checkpoints become a manifest (`checkpoints`) over safetensors
          // chunks; metrics per step; cached reference log-probs. Nothing wrote v1/v2 checkpoints
          // (no trainer existed), so their stores keep their names and indexes as they are.
          db.createObjectStore('checkpointChunks', { keyPath: 'key' }).createIndex('byCheckpoint', 'checkpointId');
          db.createObjectStore('runMetrics', { keyPath: 'key' }).createIndex('byRun', 'runId');
          db.createObjectStore('refLogps', { keyPath: 'key' });
        }
        if (oldVersion < 4) {
          // An SFT run's questions, kept so its resume trains on them (an endpoint asked again may
          // answer otherwise). Runs from v3 have none and resume as before, checked by count and,
          // for checkpoints that record it, by the questions' fingerprint.
          db.createObjectStore('runSftSamples', { keyPath: 'runId' });
        }
      },
      blocked() {
        // Another tab holds an older version open; it will be asked to close by `blocking`.
      },
      blocking() {
        // A newer version of the studio opened in another tab: let it upgrade.
      },
    });
  } catch (e) {
    throw new StorageUnavailableError(
      `IndexedDB could not be opened: ${e instanceof Error ? e.message : String(e)}.`,
      'Leave private browsing, or allow site data for this page in the browser settings, then reload.',
      { cause: e },
    );
  }
}

let shared: Promise<StudioDatabase> | null = null;

/** The app-wide connection, opened once. */
export function studioDb(): Promise<StudioDatabase> {
  shared ??= openStudioDb().catch((e: unknown) => {
    shared = null;
    throw e;
  });
  return shared;
}
