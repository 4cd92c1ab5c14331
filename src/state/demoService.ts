// "Run demo" (issue #4): generate the demo world's videos in the compute worker, then import them
// through the same path as a user's files. The world's config is stored so its ground truth (the
// oracle generator) can be rebuilt exactly later.
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { studioDb } from '../storage/db';
import { getSetting, setSetting } from '../storage/settingsRepo';
import { computeEngine } from '../workers/computeClient';
import { importFiles, loadLibrary } from './libraryService';
import { refreshTriples } from './synthService';
import { UserFacingError } from '../core/errors';
import { buildWorld, DEFAULT_WORLD_CONFIG, resolveConfig, type WorldConfig } from '../core/world';
import { deleteVideoData } from '../storage/framesRepo';
import { deleteTriplesOfVideos } from '../storage/triplesRepo';
import { useStudio } from './store';

export { DEMO_SIZES, type DemoSize };

let controller: AbortController | null = null;

/**
 * `seed`: another world than the size's (Reproduce's training worlds 2…N); `extra`: keep it as one
 * more world the oracle knows (`extraDemoWorlds`) instead of as the library's demo world.
 */
type StoredWorld = { config: WorldConfig };

const sameConfig = (a: WorldConfig, b: WorldConfig): boolean => (Object.keys(DEFAULT_WORLD_CONFIG) as (keyof WorldConfig)[]).every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

/** True when `stored` is the demo world of `size` (and `seed`, else the size's): same seed, same config. */
export function isWorldOf(stored: StoredWorld, size: DemoSize, seed?: number): boolean {
  return sameConfig(stored.config, resolveConfig({ ...DEMO_SIZES[size].config, ...(seed !== undefined && { seed }) }));
}

/** How many videos the demo world of `size` (and `seed`) has. */
export function demoVideoCount(size: DemoSize, seed?: number): number {
  return buildWorld({ ...DEMO_SIZES[size].config, ...(seed !== undefined && { seed }) }).videos.length;
}

/** The file names of the videos of the demo world of `config`. */
function fileNames(config: Partial<WorldConfig>): Set<string> {
  return new Set(buildWorld(config).videos.map((v) => v.fileName));
}

/** The demo worlds the studio knows the ground truth of (the demo's and Reproduce's further training worlds). */
async function storedWorlds(): Promise<StoredWorld[]> {
  const db = await studioDb();
  const demo = await getSetting(db, 'demoWorld');
  return [...(demo ? [demo] : []), ...(await getSetting(db, 'extraDemoWorlds'))];
}

function sizeLabel(config: WorldConfig): string {
  const size = (Object.keys(DEMO_SIZES) as DemoSize[]).find((k) => sameConfig(resolveConfig(DEMO_SIZES[k].config), { ...config, seed: DEMO_SIZES[k].config.seed ?? DEFAULT_WORLD_CONFIG.seed }));
  return size ?? 'custom';
}

/**
 * Why the demo world of `size` (and `seed`) cannot be imported now, or null: the library holds
 * videos of another demo world of the same seed (another size) under the names this one would
 * give its videos, and the oracle, which finds a clip's ground truth by its video's name, could
 * not tell them apart.
 */
export async function demoCollision(size: DemoSize, seed?: number): Promise<UserFacingError | null> {
  const config = resolveConfig({ ...DEMO_SIZES[size].config, ...(seed !== undefined && { seed }) });
  const other = (await storedWorlds()).find((w) => w.config.seed === config.seed && !sameConfig(w.config, config));
  if (!other) return null;
  const names = fileNames(config);
  const clash = (await (await studioDb()).getAll('videos')).filter((v) => names.has(v.name));
  if (clash.length === 0) return null;
  return new UserFacingError(
    `The library holds ${clash.length} video${clash.length === 1 ? '' : 's'} of the ${sizeLabel(other.config)} demo world of seed ${config.seed} (${clash[0]?.name}${clash.length > 1 ? ', …' : ''}) under the names the ${size} world would give its own; the oracle, which finds a clip's ground truth by its video's name, could not tell the two apart.`,
    `Remove the demo worlds first (Library → Demo world → Remove demo worlds: their videos and the triples citing them), or keep the ${sizeLabel(other.config)} world.`,
  );
}

/**
 * Removes every demo world from the library: the demo videos (by their names, with their frames,
 * embeddings and clips), the triples citing them (their reviews and audit trail stay), the
 * worlds' records and the Reproduce study's (its runs stay). Returns what it removed.
 */
export async function removeDemoWorlds(): Promise<{ videos: number; triples: number }> {
  const db = await studioDb();
  const videos = (await db.getAll('videos')).filter((v) => isDemoVideoName(v.name));
  const names = new Set(videos.map((v) => v.name));
  for (const v of videos) await deleteVideoData(db, v.id);
  const triples = await deleteTriplesOfVideos(db, names);
  await setSetting(db, 'demoWorld', null);
  await setSetting(db, 'extraDemoWorlds', []);
  await setSetting(db, 'reproduce', null);
  await computeEngine()['clips.invalidate'](null);
  useStudio.getState().setLibrary({ demo: null, selectedVideoId: null });
  await loadLibrary();
  await refreshTriples();
  return { videos: videos.length, triples };
}

/** A demo world's video file name (`world-s<seed>-short-001.webm`, from the browser or `longvpo demo`). */
export function isDemoVideoName(name: string): boolean {
  return demoSeedOf(name) !== undefined;
}

/** The seed of the demo world a video file name is of (`world-s42-long-001.webm` → 42), or undefined. */
export function demoSeedOf(name: string): number | undefined {
  const m = /^world-s(-?\d+)-(short|long)-\d{3}\.webm$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Runs the demo; true when its videos were imported. */
export async function runDemo(size: DemoSize, o: { seed?: number; extra?: boolean } = {}): Promise<boolean> {
  const { setLibrary, reportError } = useStudio.getState();
  const clash = await demoCollision(size, o.seed);
  if (clash) {
    reportError('Could not run the demo', clash);
    return false;
  }
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
    return true;
  } catch (e) {
    setLibrary({ demo: null });
    if (!own.signal.aborted) reportError('Could not run the demo', e);
    return false;
  } finally {
    if (controller === own) controller = null;
  }
}

export function cancelDemo(): void {
  controller?.abort();
}
