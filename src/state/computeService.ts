// Starts the compute backend and keeps the store and Settings in step. Runs outside React.
import type { BackendName } from '../core/backendChoice';
import { studioDb, type StudioDatabase } from '../storage/db';
import { DEFAULT_SETTINGS, getSetting, setSetting } from '../storage/settingsRepo';
import { computeEngine } from '../workers/computeClient';
import { useStudio } from './store';

/** The database, or null after telling the user once why it is unavailable. */
async function dbOrNull(): Promise<StudioDatabase | null> {
  try {
    return await studioDb();
  } catch (e) {
    useStudio.getState().reportError('Storage is unavailable', e);
    return null;
  }
}

async function select(forceProbe: boolean): Promise<void> {
  const { setCompute, reportError } = useStudio.getState();
  setCompute({ status: 'probing', progress: null });
  // Storage problems must not stop computing: without a database the studio probes every time.
  const db = await dbOrNull();
  const [override, remembered] = db
    ? await Promise.all([getSetting(db, 'backendOverride'), getSetting(db, 'rememberedBackend')])
    : [DEFAULT_SETTINGS.backendOverride, DEFAULT_SETTINGS.rememberedBackend];
  setCompute({ override });
  try {
    const choice = await computeEngine()['backend.select'](
      { override, remembered: forceProbe ? null : remembered },
      { onProgress: (progress) => setCompute({ progress }) },
    );
    setCompute({ status: 'ready', choice, progress: null });
    if (db && choice.source === 'measured' && !choice.remembered) await setSetting(db, 'rememberedBackend', choice);
  } catch (e) {
    setCompute({ status: 'error', progress: null });
    reportError('Compute backend could not start', e);
  }
}

export function startCompute(): Promise<void> {
  return select(false);
}

/** Probes every backend again (Settings → Re-measure). */
export function remeasureBackends(): Promise<void> {
  return select(true);
}

/** Saves the override (null = automatic) and applies it. */
export async function setBackendOverride(backend: BackendName | null): Promise<void> {
  const db = await dbOrNull();
  if (db) await setSetting(db, 'backendOverride', backend);
  useStudio.getState().setCompute({ override: backend });
  await select(false);
}
