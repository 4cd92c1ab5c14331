// Decoding handlers of the compute worker: probe a file, sample its frames into IndexedDB.
import type { EmbedderChoice } from '../core/pipeline';
import { rgbaToRgb, type Embedder } from '../ml/embedder';
import { HINT_OTHER_FILE, UnreadableContainerError, VideoRejectedError } from '../media/errors';
import { probeWithFfmpeg } from '../media/probeFfmpeg';
import { openInput, probeInput, type VideoProbe } from '../media/probe';
import type { Input, InputVideoTrack } from 'mediabunny';
import { sampleWithFfmpeg, type FfmpegCoreUrls } from '../media/sampleFfmpeg';
import { sampleCount, samplingKey, sampleWithWebCodecs, type SampledFrame, type SamplingSettings } from '../media/sampleWebCodecs';
import { studioDb } from '../storage/db';
import { embeddedPrefix, embeddingKey, frameKey, putFrames, storedPrefix } from '../storage/framesRepo';
import type { DecoderChoice } from '../storage/settingsRepo';
import type { HandlerContext } from './rpc';

export type MediaProtocol = {
  /** Reads the container: duration, size, codec, fps, rotation, audio, WebCodecs support. */
  'video.probe': { req: { file: Blob; name: string }; res: VideoProbe };
  /** Decode-only timing of both paths (bench/decode): frames are read back as pixels, not stored. */
  'video.decodeBench': { req: { file: Blob; name: string; settings: SamplingSettings }; res: DecodeTiming[] };
  /**
   * Samples frames at `settings.fps`, embeds them with `embedder` on the active backend, and
   * stores thumbnails (`frames`) and embeddings (`embeddings`), resuming after the frames that
   * already have both. `settings.size` must be the embedder's input size.
   */
  'video.sample': {
    req: { videoId: string; contentHash: string; file: Blob; name: string; settings: SamplingSettings; decoder: DecoderChoice; embedder: EmbedderChoice };
    res: SampleResult;
  };
};

export interface DecodeTiming {
  path: 'webcodecs' | 'ffmpeg';
  frames: number;
  elapsedMs: number;
  error?: string;
}

export interface SampleResult {
  frames: number;
  /** Frames the container's duration promised; more than `frames` when the file ends early. */
  expected: number;
  resumedFrom: number;
  path: 'webcodecs' | 'ffmpeg';
  elapsedMs: number;
  embeddingModel: string;
  embeddingDim: number;
  /** Time spent embedding (the rest is decoding and storing), ms. */
  embedMs: number;
}

const BATCH = 8;

interface PendingFrame {
  index: number;
  timeS: number;
  thumbnail: Promise<Blob>;
  pixels: Uint8Array;
}

/**
 * mediabunny first (reads slices, fast); ffmpeg.wasm for containers it cannot read (AVI, MPEG-PS,
 * an mp4 without its index) or codecs it does not know (MPEG-2, …). No track = decode with ffmpeg.
 */
async function probeFile(input: Input, file: Blob, name: string, core: FfmpegCoreUrls): Promise<{ probe: VideoProbe; track: InputVideoTrack | null }> {
  try {
    const found = await probeInput(input, name, file.size);
    if (found.probe.codec !== 'unknown') return found;
  } catch (e) {
    if (!(e instanceof UnreadableContainerError)) throw e;
  }
  return { probe: await probeWithFfmpeg(file, name, core), track: null };
}

async function sample(
  embedder: (choice: EmbedderChoice) => Promise<Embedder>,
  ffmpegCore: FfmpegCoreUrls,
  { videoId, contentHash, file, name, settings, decoder, embedder: choice }: MediaProtocol['video.sample']['req'],
  { signal, progress }: HandlerContext,
): Promise<SampleResult> {
  const start = performance.now();
  const input = openInput(file);
  try {
    const { probe, track } = await probeFile(input, file, name, ffmpegCore);
    // WebCodecs first (much faster); ffmpeg.wasm for what it refuses.
    const path: SampleResult['path'] = track && probe.webCodecs && decoder === 'auto' ? 'webcodecs' : 'ffmpeg';
    const model = await embedder(choice);
    if (model.inputSize !== settings.size) throw new Error(`sampling size ${settings.size} px does not match the embedder's ${model.inputSize} px`);
    const db = await studioDb();
    const key = samplingKey(settings);
    const total = sampleCount(probe.durationS, settings.fps);
    // Frames with embeddings for this model are never computed twice (another model's frames are
    // decoded again: the new model needs their pixels).
    const framesDone = await storedPrefix(db, videoId, key);
    const embedded = await embeddedPrefix(db, contentHash, key, model.id, BATCH);
    const resumedFrom = Math.min(framesDone, embedded, total);
    if (resumedFrom === total) {
      return { frames: total, expected: total, resumedFrom, path, elapsedMs: performance.now() - start, embeddingModel: model.id, embeddingDim: model.dim, embedMs: 0 };
    }
    let embedMs = 0;
    let pending: PendingFrame[] = [];
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      const t = performance.now();
      const vectors = await model.embed(batch.map((f) => f.pixels));
      embedMs += performance.now() - t;
      const thumbnails = await Promise.all(batch.map((f) => f.thumbnail));
      const frameStart = batch[0]?.index ?? 0;
      await putFrames(
        db,
        batch.map((f, i) => ({ key: frameKey(videoId, key, f.index), videoId, samplingKey: key, index: f.index, timeS: f.timeS, thumbnail: thumbnails[i] as Blob })),
        { key: embeddingKey(contentHash, key, model.id, frameStart), videoId, modelId: model.id, samplingKey: key, frameStart, dim: model.dim, count: batch.length, vectors },
      );
    };
    let done = resumedFrom;
    progress({ done, total, label: 'frames' });
    const onFrame = async ({ index, timeS, canvas }: SampledFrame) => {
      // Both read the pooled canvas now; it is reused once this returns.
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2D context on the frame canvas');
      const pixels = rgbaToRgb(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
      pending.push({ index, timeS, pixels, thumbnail: canvas.convertToBlob({ type: 'image/jpeg', quality: 0.75 }) });
      if (pending.length >= BATCH) await flush();
      done = index + 1;
      progress({ done, total, label: 'frames' });
    };
    const options = { fromIndex: resumedFrom, signal, onFrame };
    if (path === 'webcodecs' && track) await sampleWithWebCodecs(track, probe.durationS, settings, options);
    else await sampleWithFfmpeg(file, name, probe.durationS, settings, ffmpegCore, options);
    await flush();
    if (done === resumedFrom && total > resumedFrom) throw new VideoRejectedError(name, `no frame could be decoded (${probe.codec})`, HINT_OTHER_FILE);
    return { frames: done, expected: total, resumedFrom, path, elapsedMs: performance.now() - start, embeddingModel: model.id, embeddingDim: model.dim, embedMs };
  } catch (e) {
    if (e instanceof DOMException && e.name === 'EncodingError') {
      throw new VideoRejectedError(name, 'the video data is corrupt and cannot be decoded', HINT_OTHER_FILE, { cause: e });
    }
    throw e;
  } finally {
    input.dispose();
  }
}

async function decodeBench(ffmpegCore: FfmpegCoreUrls, { file, name, settings }: MediaProtocol['video.decodeBench']['req'], { signal }: HandlerContext): Promise<DecodeTiming[]> {
  const out: DecodeTiming[] = [];
  for (const path of ['webcodecs', 'ffmpeg'] as const) {
    const input = openInput(file);
    const start = performance.now();
    let frames = 0;
    const onFrame = ({ canvas }: SampledFrame) => {
      // The same read-back an import does (pixels for the embedder).
      canvas.getContext('2d', { willReadFrequently: true })?.getImageData(0, 0, canvas.width, canvas.height);
      frames++;
    };
    try {
      const { probe, track } = await probeFile(input, file, name, ffmpegCore);
      if (path === 'webcodecs' && !(probe.webCodecs && track)) throw new Error(`WebCodecs cannot decode ${probe.codec}`);
      if (path === 'webcodecs' && track) await sampleWithWebCodecs(track, probe.durationS, settings, { signal, onFrame });
      else await sampleWithFfmpeg(file, name, probe.durationS, settings, ffmpegCore, { signal, onFrame });
      out.push({ path, frames, elapsedMs: performance.now() - start });
    } catch (e) {
      signal.throwIfAborted();
      out.push({ path, frames, elapsedMs: performance.now() - start, error: e instanceof Error ? e.message : String(e) });
    } finally {
      input.dispose();
    }
  }
  return out;
}

/** `embedder` is called per import; it should cache the loaded model. */
export function createMediaHandlers(embedder: (choice: EmbedderChoice) => Promise<Embedder>, ffmpegCore: FfmpegCoreUrls) {
  return {
    async 'video.probe'({ file, name }: MediaProtocol['video.probe']['req']) {
      const input = openInput(file);
      try {
        return (await probeFile(input, file, name, ffmpegCore)).probe;
      } finally {
        input.dispose();
      }
    },
    'video.decodeBench': (req: MediaProtocol['video.decodeBench']['req'], ctx: HandlerContext) => decodeBench(ffmpegCore, req, ctx),
    'video.sample': (req: MediaProtocol['video.sample']['req'], ctx: HandlerContext) => sample(embedder, ffmpegCore, req, ctx),
  };
}
