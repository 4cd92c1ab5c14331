// Training outside React (issue #12): start, pause, resume and delete runs in the compute worker;
// list runs and checkpoints from IndexedDB; download and upload checkpoints as safetensors files.
// Must: pause keeps the run resumable (the worker checkpoints the current step before it stops).
import { UserFacingError } from '../core/errors';
import { decodeCheckpoint } from '../core/train/checkpointFile';
import { checkpointId } from '../core/train/checkpointMeta';
import { parameterCount } from '../core/train/config';
import { embedderId } from '../core/pipeline';
import { studioDb } from '../storage/db';
import { deleteCheckpoint, deleteRun, getRun, listCheckpoints, listRuns, putRun, readCheckpoint, runMetrics, saveCheckpoint } from '../storage/trainingRepo';
import { computeEngine } from '../workers/computeClient';
import type { TrainRunResult } from '../workers/trainHandlers';
import { useStudio } from './store';
import { defaultTrainForm, type TrainForm } from './trainSlice';

let controller: AbortController | null = null;

export async function refreshTraining(): Promise<void> {
  const { setTrain, train, reportError } = useStudio.getState();
  try {
    const db = await studioDb();
    const [runs, checkpoints] = await Promise.all([listRuns(db), listCheckpoints(db)]);
    const selectedRunId = train.selectedRunId ?? runs[0]?.id ?? null;
    const metrics = selectedRunId && !train.active ? await runMetrics(db, selectedRunId) : train.metrics;
    setTrain({ loaded: true, runs, checkpoints, selectedRunId, metrics });
  } catch (e) {
    reportError('Could not read the training runs', e);
    setTrain({ loaded: true });
  }
}

export async function selectRun(runId: string): Promise<void> {
  const { setTrain, train } = useStudio.getState();
  if (train.active?.runId === runId) return setTrain({ selectedRunId: runId });
  setTrain({ selectedRunId: runId, metrics: await runMetrics(await studioDb(), runId) });
}

export function formProblems(f: TrainForm): string[] {
  const out: string[] = [];
  const pos = (v: number, what: string) => !(Number.isFinite(v) && v > 0) && out.push(`${what} must be a positive number.`);
  pos(f.lr, 'Learning rate');
  pos(f.beta, 'β');
  pos(f.batchSize, 'Batch size');
  pos(f.epochs, 'Epochs');
  if (!(Number.isInteger(f.maxSteps) && f.maxSteps >= 0)) out.push('Steps must be 0 (all epochs) or a whole number.');
  if (!(f.alpha >= 0)) out.push('α must be 0 or more.');
  if (f.stage !== 'sft' && f.initCheckpointId === '') out.push(`${f.stage === 'stage1' ? 'Stage 1' : 'Stage 2'} needs an initial checkpoint (train SFT first, or upload one).`);
  if (f.stage === 'sft' && (f.width % f.heads !== 0 || (f.width / f.heads) % 2 !== 0)) out.push('Width must split into an even size per head.');
  if (f.stage === 'sft' && !(Number.isInteger(f.context) && f.context >= 16 && f.context <= 8192)) out.push('Context must be a whole number of tokens from 16 to 8192.');
  if (!(f.warmupRatio >= 0 && f.warmupRatio < 1)) out.push('Warm-up must be a share from 0 to below 1.');
  if (!(f.weightDecay >= 0)) out.push('Weight decay must be 0 or more.');
  if (!(f.maxGradNorm >= 0)) out.push('Gradient clip must be 0 (off) or more.');
  if (!(Number.isInteger(f.gradAccum) && f.gradAccum >= 1)) out.push('Accumulation must be a whole number of micro-batches (1 or more).');
  if (!(f.labelSmoothing >= 0 && f.labelSmoothing < 0.5)) out.push('Label smoothing must be from 0 to below 0.5.');
  if (f.replay !== undefined && !(f.replay >= 0 && f.replay <= 100)) out.push('Stage 1 replay must be a share from 0 (off) to 100.');
  if (f.compositeClips !== undefined && !(Number.isInteger(f.compositeClips) && f.compositeClips >= 0 && f.compositeClips <= 512)) out.push('Clips per composite must be 0 (as synthesized) or a whole number of clips up to 512.');
  if (f.singleClip !== undefined && !(f.singleClip >= 0 && f.singleClip <= 1)) out.push('Single-clip pairs must be a share from 0 (off) to 1.');
  if (f.keepSlots === true && !((f.compositeClips ?? 0) >= 2)) out.push('Keep every slot needs 2 or more clips per composite (the anchor and the distractors repeated over the slots).');
  return out;
}

async function driveRun(call: (signal: AbortSignal) => Promise<TrainRunResult>, runId: string | null): Promise<void> {
  const { setTrain, reportError, reportWarning } = useStudio.getState();
  controller?.abort();
  const own = new AbortController();
  controller = own;
  setTrain({ active: { runId, progress: null, startedAt: Date.now() }, ...(runId && { selectedRunId: runId, metrics: await runMetrics(await studioDb(), runId) }) });
  try {
    const result = await call(own.signal);
    if (result.status === 'failed' && result.error) reportError('Training stopped', new UserFacingError(result.error.message, result.error.hint));
    else if (result.status === 'done') reportWarning({ title: 'Training finished', message: `Run ${result.runId} finished after ${result.step} steps; checkpoint ${result.checkpointId ?? '—'}.`, hint: 'Start the next stage from this checkpoint, or download it.' });
  } catch (e) {
    if (!own.signal.aborted) reportError('Training failed', e);
  } finally {
    if (controller === own) controller = null;
    setTrain({ active: null });
    await refreshTraining();
  }
}

/** Live step metrics from the worker (progress `data`), appended to the chart of the run. */
function onProgress(runIdOf: () => string | null) {
  return (progress: { done: number; total: number; label: string; data?: Record<string, number> }) => {
    const { train, setTrain } = useStudio.getState();
    const active = train.active ? { ...train.active, progress } : null;
    if (progress.data && train.active) {
      const runId = runIdOf() ?? train.active.runId;
      setTrain({ active: { ...(active as NonNullable<typeof active>), runId }, metrics: [...train.metrics, progress.data], selectedRunId: runId ?? train.selectedRunId });
    } else setTrain({ active });
  };
}

/**
 * Starts a run; resolves with its id when it ends (done, paused or failed), null when not started.
 * `onStart` learns the new run's id before it trains (Reproduce remembers it, so a reload mid-run resumes it).
 */
export async function startTraining(form: TrainForm, o: { onStart?: (runId: string) => Promise<void> } = {}): Promise<string | null> {
  const problems = formProblems(form);
  if (problems.length > 0) {
    useStudio.getState().reportError('Training not started', new UserFacingError(problems.join(' '), 'Correct the form in Train and start again.'));
    return null;
  }
  const runId = `${form.stage}-${Date.now().toString(36)}`;
  useStudio.getState().setTrain({ form, metrics: [], selectedRunId: runId });
  const { width, depth, heads, layout, initCheckpointId, stage, sftQuestions, context, ...config } = form;
  let listed = false;
  await o.onStart?.(runId);
  await driveRun(
    (signal) =>
      computeEngine()['train.start'](
        { runId, stage, config: { ...config, stage }, embedder: embedderId(useStudio.getState().library.pipeline.embedder), ...(stage !== 'sft' ? { initCheckpointId } : { model: { dModel: width, layers: depth, heads, layout, maxContext: context }, sftQuestions }) },
        {
          signal,
          onProgress: (p) => {
            // The run record exists once training reports its first step: show it in the list.
            if (p.label === 'training' && !listed) {
              listed = true;
              void refreshTraining();
            }
            onProgress(() => runId)(p);
          },
        },
      ),
    runId,
  );
  return runId;
}

export async function resumeTraining(runId: string): Promise<void> {
  await driveRun((signal) => computeEngine()['train.resume']({ runId }, { signal, onProgress: onProgress(() => runId) }), runId);
}

/** Pause: the worker checkpoints the current step, marks the run paused and stops. */
export function pauseTraining(): void {
  controller?.abort();
}

export async function removeRun(runId: string): Promise<void> {
  try {
    const db = await studioDb();
    if (useStudio.getState().train.active?.runId === runId) throw new UserFacingError('This run is training.', 'Pause it first, then delete it.');
    await deleteRun(db, runId);
    useStudio.getState().setTrain({ selectedRunId: null, metrics: [] });
    await refreshTraining();
  } catch (e) {
    useStudio.getState().reportError('Could not delete the run', e);
  }
}

export async function removeCheckpoint(id: string): Promise<void> {
  try {
    await deleteCheckpoint(await studioDb(), id);
    await refreshTraining();
  } catch (e) {
    useStudio.getState().reportError('Could not delete the checkpoint', new UserFacingError(e instanceof Error ? e.message : String(e), 'Delete older checkpoints; the current one goes with its run.'));
  }
}

/** The checkpoint as a safetensors file (weights readable by Python's `safetensors`). */
export async function downloadCheckpoint(id: string): Promise<void> {
  try {
    const bytes = await readCheckpoint(await studioDb(), id);
    if (!bytes) throw new UserFacingError('That checkpoint is no longer stored.', 'Refresh the list and choose another.');
    const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.safetensors`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    useStudio.getState().reportError('Download failed', e);
  }
}

/** A checkpoint file from disk (this studio's or the CLI's): checked whole, then stored as a run of its own. */
export async function uploadCheckpoint(file: File): Promise<void> {
  const { reportError, reportWarning } = useStudio.getState();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const contents = decodeCheckpoint(bytes);
    const { meta } = contents;
    const db = await studioDb();
    const runId = (await getRun(db, meta.runId)) ? `${meta.runId}-uploaded-${Date.now().toString(36)}` : meta.runId;
    const id = checkpointId({ runId, step: meta.step });
    await putRun(db, { id: runId, stage: meta.config.stage, createdAt: Date.now(), status: meta.step >= meta.totalSteps ? 'done' : 'paused', config: { ...meta.config }, model: { ...meta.model }, parameters: parameterCount(meta.model), initId: meta.initId, step: meta.step, totalSteps: meta.totalSteps, samples: meta.data.samples, lastMetrics: meta.lastMetrics });
    await saveCheckpoint(db, { id, runId, step: meta.step, createdAt: Date.now() }, bytes, { metrics: [], run: {} });
    await refreshTraining();
    reportWarning({ title: 'Checkpoint uploaded', message: `${file.name}: ${meta.config.stage} run at step ${meta.step}/${meta.totalSteps}, stored as ${id}.`, hint: 'Start a Stage 1 or Stage 2 run from it in the form.' });
  } catch (e) {
    reportError(`Could not upload ${file.name}`, e);
  }
}

export function setTrainStage(stage: TrainForm['stage']): void {
  const { train, setTrain } = useStudio.getState();
  const wanted = stage === 'stage1' ? 'sft' : 'stage1';
  const init = train.checkpoints.filter((c) => train.runs.find((r) => r.id === c.runId)?.stage === wanted).at(-1)?.id ?? train.checkpoints.at(-1)?.id ?? '';
  setTrain({ form: defaultTrainForm(stage, stage === 'sft' ? '' : init) });
}
