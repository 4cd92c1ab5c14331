// Synthesize (issue #5) from the studio's side: Stage 1 runs in the compute worker; stored triples
// are counted and previewed here; exports (studio JSONL, TRL, LongVPO columns) and imports run in
// the worker too.
// Must: an import is validated whole before anything is stored, and stored in one transaction.
import { UserFacingError } from '../core/errors';
import { embedderId } from '../core/pipeline';
import { MAX_FRAMES_PER_CLIP } from '../core/synthesis/stage1';
import { importCaveats } from '../core/generators/importReport';
import { FORMAT_NAMES, tripleImportFailure } from '../core/triples/import';
import { studioDb } from '../storage/db';
import { getSetting, setSetting, type Stage1Form } from '../storage/settingsRepo';
import { countTriples, deleteTriples, listTriples } from '../storage/triplesRepo';
import { computeEngine } from '../workers/computeClient';
import type { Stage1Response, TripleExportFormat } from '../workers/synthHandlers';
import { useStudio } from './store';

export const FRAME_BUDGETS = [128, 256, 512] as const;
export type ExportFormat = TripleExportFormat;
export const EXPORT_FORMATS: Record<ExportFormat, { label: string; file: string }> = {
  studio: { label: 'Studio JSONL (every field)', file: 'longvpo-triples.studio.jsonl' },
  trl: { label: 'TRL conversational JSONL', file: 'longvpo-triples.trl.jsonl' },
  longvpo: { label: 'LongVPO release columns', file: 'longvpo-triples.longvpo.jsonl' },
};
const PREVIEW_ROWS = 500;

/** What is wrong with the Stage 1 form; empty when it can run. */
export function stage1FormProblems(f: Stage1Form): string[] {
  const out: string[] = [];
  if (!Number.isInteger(f.seed) || f.seed < 0 || f.seed > 2 ** 32 - 1) out.push('Seed must be a whole number from 0 to 4294967295.');
  if (!Number.isInteger(f.count) || f.count < 1 || f.count > 100_000) out.push('Triples must be a whole number from 1 to 100000.');
  if (!Number.isInteger(f.frameBudget) || f.frameBudget < 2) out.push('Frame budget must be a whole number of frames (128, 256 or 512 in the paper).');
  if (!Number.isInteger(f.framesPerClip) || f.framesPerClip < 1 || f.framesPerClip > MAX_FRAMES_PER_CLIP) out.push(`Frames per clip must be a whole number from 1 to ${MAX_FRAMES_PER_CLIP}.`);
  else if (Number.isInteger(f.frameBudget) && Math.floor(f.frameBudget / f.framesPerClip) < 2) out.push('The frame budget must hold at least two clips (the anchor and a distractor): raise it or lower the frames per clip.');
  if (!Number.isFinite(f.similarityThreshold) || f.similarityThreshold <= 0 || f.similarityThreshold > 1) out.push('Similarity threshold must be a number above 0 and at most 1.');
  return out;
}

export async function refreshTriples(): Promise<void> {
  const db = await studioDb();
  const [stage1, stage2, preview] = await Promise.all([countTriples(db, 1), countTriples(db, 2), listTriples(db)]);
  useStudio.getState().setSynth({ counts: { stage1, stage2 }, preview: preview.slice(-PREVIEW_ROWS).reverse() });
}

export async function loadSynth(): Promise<void> {
  try {
    const db = await studioDb();
    useStudio.getState().setSynth({ form: { ...(await getSetting(db, 'stage1Form')) }, loaded: true });
    await refreshTriples();
  } catch (e) {
    if (!(e instanceof Error && e.name === 'StorageUnavailableError')) useStudio.getState().reportError('Could not read the stored triples', e);
  }
}

export async function saveStage1Form(form: Stage1Form): Promise<void> {
  useStudio.getState().setSynth({ form });
  try {
    await setSetting(await studioDb(), 'stage1Form', form);
  } catch {
    // The form still works for this session; the next start shows the defaults.
  }
}

let controller: AbortController | null = null;

/** `videoIds`: compose from these videos only (Reproduce LongVPO synthesizes each training world apart). */
/** Runs Stage 1 synthesis; its result, or null when it did not run to the end (the error is reported). */
export async function runStage1(form: Stage1Form, scope: { videoIds?: string[] } = {}): Promise<Stage1Response | null> {
  const { setSynth, reportError, library } = useStudio.getState();
  const problems = stage1FormProblems(form);
  if (problems.length > 0) {
    reportError('Stage 1 not started', new UserFacingError(problems.join(' '), 'Correct the parameters in Synthesize → Stage 1 and run again.'));
    return null;
  }
  controller?.abort();
  const own = new AbortController();
  controller = own;
  const startedAt = Date.now();
  setSynth({ run: { stage: 1, progress: null, startedAt } });
  try {
    await saveStage1Form(form);
    const result = await computeEngine()['synth.stage1'](
      { ...form, modelId: embedderId(library.pipeline.embedder), ...(scope.videoIds && { videoIds: scope.videoIds }) },
      { signal: own.signal, onProgress: (progress) => setSynth({ run: { stage: 1, progress, startedAt } }) },
    );
    setSynth({ last: { ...result, seconds: (Date.now() - startedAt) / 1000 } });
    await refreshTriples();
    return result;
  } catch (e) {
    if (!own.signal.aborted) reportError('Stage 1 synthesis failed', e);
    return null;
  } finally {
    if (controller === own) controller = null;
    setSynth({ run: null });
  }
}

export function cancelSynthesis(): void {
  controller?.abort();
}

export async function deleteStoredTriples(stage?: 1 | 2): Promise<void> {
  try {
    await deleteTriples(await studioDb(), stage);
    await refreshTriples();
  } catch (e) {
    useStudio.getState().reportError('Could not delete the triples', e);
  }
}

export async function exportTriples(format: ExportFormat): Promise<void> {
  const { setSynth, reportError, reportWarning } = useStudio.getState();
  setSynth({ busy: 'Exporting…' });
  try {
    const out = await computeEngine()['triples.export']({ format });
    if (!out) {
      reportWarning({ title: 'Nothing to export', message: 'No triples are stored yet.', hint: 'Synthesize Stage 1 triples or import a triples file first.' });
      return;
    }
    const url = URL.createObjectURL(out.blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = EXPORT_FORMATS[format].file;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    reportError('Could not export the triples', e);
  } finally {
    setSynth({ busy: null });
  }
}

/** Imports triple files one by one; a file with any error stores nothing and gets one alert. */
export async function importTripleFiles(files: File[]): Promise<void> {
  const { setSynth, reportError, reportWarning } = useStudio.getState();
  setSynth({ busy: 'Importing…' });
  try {
    for (const file of files) {
      try {
        // Parsed, validated and stored in the worker: a 16,000-line file takes ~1 s to check.
        const parsed = await computeEngine()['triples.import']({ file, name: file.name });
        if (!parsed.ok) {
          reportError('Triples not imported', tripleImportFailure(file.name, parsed.errors, parsed.moreErrors));
          continue;
        }
        const { added, kept } = parsed;
        setSynth({ lastImport: `${file.name}: ${FORMAT_NAMES[parsed.format]}, ${added} triples imported${kept ? `, ${kept} already stored were kept` : ''}.` });
        const caveats = importCaveats(file.name, parsed.warnings);
        if (caveats) reportWarning(caveats);
      } catch (e) {
        reportError(`Could not import ${file.name}`, e);
      }
    }
    await refreshTriples();
  } finally {
    setSynth({ busy: null });
  }
}
