// Starts the compute backend and keeps the store and Settings in step. Runs outside React.
import type { BackendName } from '../core/backendChoice';
import { studioDb } from '../storage/db';
import { getSetting, setSetting } from '../storage/settingsRepo';
import { computeEngine } from '../workers/computeClient';
import { useStudio } from './store';

async function select(forceProbe: boolean): Promise<void> {
  const { setCompute, reportError } = useStudio.getState();
  setCompute({ status: 'probing', progress: null });
  try {
    const db = await studioDb();
    const [override, remembered] = await Promise.all([getSetting(db, 'backendOverride'), getSetting(db, 'rememberedBackend')]);
    setCompute({ override });
    const choice = await computeEngine()['backend.select'](
      { override, remembered: forceProbe ? null : remembered },
      { onProgress: (progress) => setCompute({ progress }) },
    );
    if (choice.source === 'measured' && !choice.remembered) await setSetting(db, 'rememberedBackend', choice);
    setCompute({ status: 'ready', choice, progress: null });
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
  try {
    const db = await studioDb();
    await setSetting(db, 'backendOverride', backend);
  } catch (e) {
    useStudio.getState().reportError('Could not save the backend setting', e);
    return;
  }
  await select(false);
}

export function activeBackend(): BackendName | null {
  return useStudio.getState().compute.choice?.backend ?? null;
}
