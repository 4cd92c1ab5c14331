// "Run demo" (issue #4): generate the demo world's videos in the compute worker, then import them
// through the same path as a user's files. The world's config is stored so its ground truth (the
// oracle generator) can be rebuilt exactly later.
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { studioDb } from '../storage/db';
import { getSetting, setSetting } from '../storage/settingsRepo';
import { computeEngine } from '../workers/computeClient';
import { importFiles } from './libraryService';
import { useStudio } from './store';

export { DEMO_SIZES, type DemoSize };

let controller: AbortController | null = null;

/**
 * `seed`: another world than the size's (Reproduce's training worlds 2…N); `extra`: keep it as one
 * more world the oracle knows (`extraDemoWorlds`) instead of as the library's demo world.
 */
export async function runDemo(size: DemoSize, o: { seed?: number; extra?: boolean } = {}): Promise<void> {
  const { setLibrary, reportError } = useStudio.getState();
  controller?.abort();
  const own = new AbortController();
  controller = own;
  const startedAt = Date.now();
  setLibrary({ demo: { stage: 'generating', progress: null, startedAt, summary: null } });
  try {
    const result = await computeEngine()['demo.generate'](
      { config: { ...DEMO_SIZES[size].config, ...(o.seed !== undefined && { seed: o.seed }) } },
      { signal: own.signal, onProgress: (progress) => setLibrary({ demo: { stage: 'generating', progress, startedAt, summary: null } }) },
    );
    const db = await studioDb();
    const record = { config: result.config, version: result.worldVersion, fingerprint: result.truthHash };
    if (o.extra) await setSetting(db, 'extraDemoWorlds', [...(await getSetting(db, 'extraDemoWorlds')).filter((w) => w.config.seed !== result.config.seed), record]);
    else await setSetting(db, 'demoWorld', record);
    const seconds = result.files.reduce((n, f) => n + f.durationS, 0);
    const summary = `${result.files.length} videos (${result.files.filter((f) => f.kind === 'long').length} long), ${Math.round(seconds)} s, ${result.frames} frames, ${result.codec.toUpperCase()} · generated in ${((Date.now() - startedAt) / 1000).toFixed(1)} s · world fingerprint ${result.truthHash}`;
    setLibrary({ demo: { stage: 'importing', progress: null, startedAt, summary } });
    await importFiles(result.files.map((f) => f.file));
    setLibrary({ demo: { stage: 'done', progress: null, startedAt, summary } });
  } catch (e) {
    setLibrary({ demo: null });
    if (!own.signal.aborted) reportError('Could not run the demo', e);
  } finally {
    if (controller === own) controller = null;
  }
}

export function cancelDemo(): void {
  controller?.abort();
}
