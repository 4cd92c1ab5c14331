// Decoding handlers of the compute worker: probe a file, sample its frames into IndexedDB.
import { rgbaToRgb, type Embedder } from '../ml/embedder';
import { HINT_OTHER_FILE, VideoRejectedError } from '../media/errors';
import { openInput, probeInput, type VideoProbe } from '../media/probe';
import { sampleWithFfmpeg, type FfmpegCoreUrls } from '../media/sampleFfmpeg';
import { sampleCount, samplingKey, sampleWithWebCodecs, type SampledFrame, type SamplingSettings } from '../media/sampleWebCodecs';
import { studioDb } from '../storage/db';
import { embeddingKey, frameKey, putFrames, storedPrefix } from '../storage/framesRepo';
import type { DecoderChoice } from '../storage/settingsRepo';
import type { HandlerContext } from './rpc';

export type MediaProtocol = {
  /** Reads the container: duration, size, codec, fps, rotation, audio, WebCodecs support. */
  'video.probe': { req: { file: Blob; name: string }; res: VideoProbe };
  /**
   * Samples frames at `settings.fps`, embeds them on the active backend, and stores thumbnails
   * (`frames`) and embeddings (`embeddings`), resuming after the frames already stored.
   */
  /** Decode-only timing of both paths (bench/decode): frames are read back as pixels, not stored. */
  'video.decodeBench': { req: { file: Blob; name: string; settings: SamplingSettings }; res: DecodeTiming[] };
  'video.sample': { req: { videoId: string; contentHash: string; file: Blob; name: string; settings: SamplingSettings; decoder: DecoderChoice }; res: SampleResult };
};

export interface DecodeTiming {
  path: 'webcodecs' | 'ffmpeg';
  frames: number;
  elapsedMs: number;
  error?: string;
}

export interface SampleResult {
  frames: number;
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

async function sample(
  embedder: () => Promise<Embedder>,
  ffmpegCore: FfmpegCoreUrls,
  { videoId, contentHash, file, name, settings, decoder }: MediaProtocol['video.sample']['req'],
  { signal, progress }: HandlerContext,
): Promise<SampleResult> {
  const start = performance.now();
  const input = openInput(file);
  try {
    const { probe, track } = await probeInput(input, name, file.size);
    // WebCodecs first (much faster); ffmpeg.wasm for what it refuses.
    const path: SampleResult['path'] = probe.webCodecs && decoder === 'auto' ? 'webcodecs' : 'ffmpeg';
    const model = await embedder();
    if (model.inputSize !== settings.size) throw new Error(`sampling size ${settings.size} px does not match the embedder's ${model.inputSize} px`);
    const db = await studioDb();
    const key = samplingKey(settings);
    const total = sampleCount(probe.durationS, settings.fps);
    const resumedFrom = Math.min(await storedPrefix(db, videoId, key), total);
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
    if (path === 'webcodecs') await sampleWithWebCodecs(track, probe.durationS, settings, options);
    else await sampleWithFfmpeg(file, name, probe.durationS, settings, ffmpegCore, options);
    await flush();
    if (done === resumedFrom && total > resumedFrom) throw new VideoRejectedError(name, `no frame could be decoded (${probe.codec})`, HINT_OTHER_FILE);
    return { frames: done, resumedFrom, path, elapsedMs: performance.now() - start, embeddingModel: model.id, embeddingDim: model.dim, embedMs };
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
      const { probe, track } = await probeInput(input, name, file.size);
      if (path === 'webcodecs' && !probe.webCodecs) throw new Error(`WebCodecs cannot decode ${probe.codec}`);
      if (path === 'webcodecs') await sampleWithWebCodecs(track, probe.durationS, settings, { signal, onFrame });
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
export function createMediaHandlers(embedder: () => Promise<Embedder>, ffmpegCore: FfmpegCoreUrls) {
  return {
    async 'video.probe'({ file, name }: MediaProtocol['video.probe']['req']) {
      const input = openInput(file);
      try {
        return (await probeInput(input, name, file.size)).probe;
      } finally {
        input.dispose();
      }
    },
    'video.decodeBench': (req: MediaProtocol['video.decodeBench']['req'], ctx: HandlerContext) => decodeBench(ffmpegCore, req, ctx),
    'video.sample': (req: MediaProtocol['video.sample']['req'], ctx: HandlerContext) => sample(embedder, ffmpegCore, req, ctx),
  };
}
