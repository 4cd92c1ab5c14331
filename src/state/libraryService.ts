// Importing videos: probe in the worker, store the record, sample frames with progress/cancel.
// Runs outside React; writes the store with setState-style slice actions.
import { UserFacingError } from '../core/errors';
import { sampledContentHash } from '../media/contentHash';
import { embedderId, inputSizeOf, pipelineProblems, samplingKeyOf, segmentsKeyOf, staleness, type PipelineSettings } from '../core/pipeline';
import type { SamplingSettings } from '../media/sampleWebCodecs';
import { studioDb } from '../storage/db';
import { deleteVideoData, storedPrefix } from '../storage/framesRepo';
import { getSetting, setSetting, type DecoderChoice } from '../storage/settingsRepo';
import type { VideoRecord } from '../storage/schema';
import { computeEngine } from '../workers/computeClient';
import type { SegmentSettings } from '../workers/clipHandlers';
import type { Progress } from '../workers/rpc';
import type { VideoSummary } from './librarySlice';
import { useStudio } from './store';
import { refreshTriples } from './synthService';

/** Sampling of the current pipeline settings: the size is the embedder's input size. */
export function samplingOf(p: PipelineSettings): SamplingSettings {
  return { fps: p.fps, size: inputSizeOf(p.embedder) };
}

function segmentsOf(p: PipelineSettings): SegmentSettings {
  return { clipS: p.clipS, sceneThreshold: p.sceneThreshold, minSceneS: p.minSceneS };
}

export const ACCEPTED_EXTENSIONS = ['.mp4', '.mov', '.m4v', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.3gp', '.ogv'];

const controllers = new Map<string, AbortController>();

function summary({ file: _file, ...rest }: VideoRecord): VideoSummary {
  return rest;
}

export async function loadLibrary(): Promise<void> {
  try {
    const db = await studioDb();
    const videos = (await db.getAll('videos')).map(summary).sort((a, b) => a.addedAt - b.addedAt);
    useStudio.getState().setLibrary({ videos, decoder: await getSetting(db, 'decoder'), pipeline: await getSetting(db, 'pipeline') });
  } catch (e) {
    useStudio.getState().reportError('Could not read the library', e);
  }
}

/**
 * Cuts a video's clips and scenes. Cut again with other scenes, its Stage 2 triples are removed
 * (`replaceVideoSpans`); `announce` says so, naming the fix (Reproduce re-makes them itself).
 */
async function segmentVideo(record: VideoRecord, modelId: string, pipeline: PipelineSettings, announce = true) {
  const res = await computeEngine()['video.segment']({
    videoId: record.id,
    contentHash: record.contentHash,
    samplingKey: samplingKeyOf(pipeline),
    modelId,
    fps: pipeline.fps,
    settings: segmentsOf(pipeline),
  });
  if (announce && res.stage2Removed > 0) {
    await refreshTriples();
    useStudio.getState().reportWarning({
      title: `${record.name}: scenes cut again`,
      message: `Its scenes changed, so its ${res.stage2Removed} Stage 2 triple${res.stage2Removed === 1 ? '' : 's'} (which cite scenes by number) ${res.stage2Removed === 1 ? 'was' : 'were'} removed; their reviews are kept.`,
      hint: 'Synthesize Stage 2 again (Synthesize → Stage 2) to write triples for the new scenes.',
    });
  }
  return res;
}

/** `signal`: a caller's cancel (the Reproduce button's), stopping the job as its own Cancel does. */
async function sampleVideo(record: VideoRecord, jobId: string, onFailure: 'discard' | 'keep', signal?: AbortSignal, announce = true): Promise<void> {
  const { updateJob } = useStudio.getState();
  const controller = new AbortController();
  controllers.set(jobId, controller);
  const abort = (): void => controller.abort();
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort, { once: true });
  const startedAt = Date.now();
  let firstDone: number | null = null;
  updateJob(jobId, { id: jobId, name: record.name, videoId: record.id, stage: 'sampling', progress: null, startedAt });
  const onProgress = (progress: Progress) => {
    firstDone ??= progress.done;
    const seconds = (Date.now() - startedAt) / 1000;
    updateJob(jobId, { progress, ...(seconds > 0.5 ? { framesPerS: (progress.done - firstDone) / seconds } : {}) });
  };
  const db = await studioDb();
  const pipeline = await getSetting(db, 'pipeline');
  const sampling = samplingOf(pipeline);
  record = { ...record, samplingKey: samplingKeyOf(pipeline) };
  try {
    const decoder = await getSetting(db, 'decoder');
    const result = await computeEngine()['video.sample'](
      { videoId: record.id, contentHash: record.contentHash, file: record.file, name: record.name, settings: sampling, decoder, embedder: pipeline.embedder },
      { signal: controller.signal, onProgress },
    );
    if (result.frames < result.expected) {
      useStudio.getState().reportWarning({
        title: `${record.name} ends early`,
        message: `Only ${result.frames} of ${result.expected} frames (${(result.frames / pipeline.fps).toFixed(0)} s of ${(record.durationS ?? 0).toFixed(0)} s) could be decoded: the file seems truncated or damaged. The decoded frames are kept and used.`,
        hint: 'To use the rest, delete this video and import the complete file.',
      });
    }
    updateJob(jobId, { stage: 'segmenting', progress: null });
    await segmentVideo(record, result.embeddingModel, pipeline, announce);
    await db.put('videos', {
      ...record,
      segmentsKey: segmentsKeyOf(pipeline),
      frameCount: result.frames,
      sampled: 'complete',
      decodePath: result.path,
      embeddingModel: result.embeddingModel,
      embeddingDim: result.embeddingDim,
    });
  } catch (e) {
    if (controller.signal.aborted) {
      // Cancelled: keep what is stored; the video shows Resume / Restart.
      const frames = await storedPrefix(db, record.id, record.samplingKey ?? '');
      await db.put('videos', { ...record, frameCount: frames, sampled: 'partial' });
    } else {
      // A fresh import that fails leaves the store as it was; a resumed one keeps what it had.
      if (onFailure === 'discard') await deleteVideoData(db, record.id);
      throw e;
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    controllers.delete(jobId);
    // Reload first: dropping the job before the row has its new frame count would flash a
    // stale "0 · interrupted".
    await loadLibrary();
    updateJob(jobId, null);
  }
}

async function importOne(file: File): Promise<void> {
  const { updateJob, reportError, setLibrary } = useStudio.getState();
  const jobId = crypto.randomUUID();
  updateJob(jobId, { id: jobId, name: file.name, stage: 'probing', progress: null, startedAt: Date.now() });
  try {
    const ext = file.name.slice(file.name.lastIndexOf('.')).toLowerCase();
    if (!ACCEPTED_EXTENSIONS.includes(ext) && !file.type.startsWith('video/')) {
      throw new UserFacingError(`${file.name}: not a video file (${file.type || ext || 'unknown type'})`, `Import ${ACCEPTED_EXTENSIONS.join(', ')} files.`);
    }
    const probe = await computeEngine()['video.probe']({ file, name: file.name });
    const contentHash = await sampledContentHash(file);
    const db = await studioDb();
    const existing = await db.getFromIndex('videos', 'byHash', contentHash);
    // The selection follows what this import stores, unless the user picked a video meanwhile.
    const follow = (id: string): void => {
      if (!useStudio.getState().library.selectionByUser) setLibrary({ selectedVideoId: id });
    };
    if (existing) {
      follow(existing.id);
      throw new UserFacingError(`${file.name} is already in the library (as ${existing.name}).`, 'Nothing was imported twice; select it in the list.');
    }
    const record: VideoRecord = {
      id: contentHash.slice(0, 16),
      name: file.name,
      sizeBytes: file.size,
      mimeType: file.type,
      contentHash,
      file,
      addedAt: Date.now(),
      durationS: probe.durationS,
      width: probe.width,
      height: probe.height,
      fps: probe.fps,
      codec: probe.codec,
      container: probe.container,
      rotation: probe.rotation,
      hasAudio: probe.hasAudio,
      frameCount: 0,
      sampled: 'partial',
    };
    await db.put('videos', record);
    updateJob(jobId, null);
    await loadLibrary();
    follow(record.id);
    await sampleVideo(record, jobId, 'discard');
  } catch (e) {
    reportError(`Could not import ${file.name}`, e);
  } finally {
    updateJob(jobId, null);
  }
}

/** Imports files one after another (decoding shares two cores with everything else). */
export async function importFiles(files: Iterable<File>): Promise<void> {
  useStudio.getState().setLibrary({ selectionByUser: false });
  for (const file of files) await importOne(file);
}

export async function setDecoder(decoder: DecoderChoice): Promise<void> {
  try {
    await setSetting(await studioDb(), 'decoder', decoder);
    useStudio.getState().setLibrary({ decoder });
  } catch (e) {
    useStudio.getState().reportError('Could not save the decoder setting', e);
  }
}

/** Saves settings for the next imports (refused with the problems listed when invalid). */
/** The stored import settings into the store, for a page opened before the Library (the Reproduce panel shows its visual tokens). */
export async function loadPipeline(): Promise<void> {
  try {
    useStudio.getState().setLibrary({ pipeline: await getSetting(await studioDb(), 'pipeline') });
  } catch (e) {
    useStudio.getState().reportError('Could not read the import settings', e);
  }
}

export async function setPipeline(pipeline: PipelineSettings): Promise<boolean> {
  const problems = pipelineProblems(pipeline);
  try {
    if (problems.length > 0) throw new UserFacingError(`The import settings were not saved: ${problems.join(' ')}`, 'Correct the fields named above and save again.');
    // A relative path is resolved against the page now: the worker's base URL is not the page's.
    if (pipeline.embedder.kind === 'url' && pipeline.embedder.url.trim().startsWith('./')) {
      pipeline = { ...pipeline, embedder: { ...pipeline.embedder, url: new URL(pipeline.embedder.url.trim(), location.href).href } };
    }
    await setSetting(await studioDb(), 'pipeline', pipeline);
    useStudio.getState().setLibrary({ pipeline });
    return true;
  } catch (e) {
    useStudio.getState().reportError('Could not save the import settings', e);
    return false;
  }
}

/**
 * Brings a video to the current settings: new clips and scenes only, when just they changed;
 * otherwise frames and embeddings for the new rate or model (reusing any already stored).
 * `signal` cancels a re-embedding (its frames so far are kept). `announce: false`: Stage 2
 * triples removed with its old scenes are not announced (the caller re-makes them).
 */
export async function updateVideo(videoId: string, signal?: AbortSignal, { announce = true }: { announce?: boolean } = {}): Promise<void> {
  try {
    const db = await studioDb();
    const record = await db.get('videos', videoId);
    if (!record) return;
    const pipeline = await getSetting(db, 'pipeline');
    const state = staleness(record, pipeline);
    if (state === 'current') return;
    if (state === 'resample') return await sampleVideo(record, crypto.randomUUID(), 'keep', signal, announce);
    const jobId = crypto.randomUUID();
    useStudio.getState().updateJob(jobId, { id: jobId, name: record.name, videoId, stage: 'segmenting', progress: null, startedAt: Date.now() });
    try {
      await segmentVideo(record, record.embeddingModel ?? embedderId(pipeline.embedder), pipeline, announce);
      await db.put('videos', { ...record, segmentsKey: segmentsKeyOf(pipeline) });
    } finally {
      await loadLibrary();
      useStudio.getState().updateJob(jobId, null);
    }
  } catch (e) {
    useStudio.getState().reportError('Could not update the video to the current settings', e);
  }
}

export function cancelJob(jobId: string): void {
  controllers.get(jobId)?.abort();
}

/** Continues an interrupted import after the frames already stored; `restart` drops them first. */
export async function resumeVideo(videoId: string, restart = false): Promise<void> {
  try {
    const db = await studioDb();
    const record = await db.get('videos', videoId);
    if (!record) return;
    if (restart) {
      const tx = db.transaction('frames', 'readwrite');
      for (const key of await tx.store.index('byVideo').getAllKeys(videoId)) await tx.store.delete(key);
      await tx.done;
    }
    await sampleVideo(record, crypto.randomUUID(), 'keep');
  } catch (e) {
    useStudio.getState().reportError('Could not resume the import', e);
  }
}

export async function deleteVideo(videoId: string): Promise<void> {
  try {
    await deleteVideoData(await studioDb(), videoId);
    await computeEngine()['clips.invalidate'](null);
    const { library, setLibrary } = useStudio.getState();
    if (library.selectedVideoId === videoId) setLibrary({ selectedVideoId: null });
    await loadLibrary();
  } catch (e) {
    useStudio.getState().reportError('Could not delete the video', e);
  }
}
