// Decoding handlers of the compute worker: probe a file, sample its frames into IndexedDB.
import { HINT_OTHER_FILE, VideoRejectedError } from '../media/errors';
import { openInput, probeInput, type VideoProbe } from '../media/probe';
import { sampleCount, samplingKey, sampleWithWebCodecs, type SamplingSettings } from '../media/sampleWebCodecs';
import { studioDb } from '../storage/db';
import { frameKey, putFrames, storedPrefix } from '../storage/framesRepo';
import type { FrameRecord } from '../storage/schema';
import type { HandlerContext } from './rpc';

export type MediaProtocol = {
  /** Reads the container: duration, size, codec, fps, rotation, audio, WebCodecs support. */
  'video.probe': { req: { file: Blob; name: string }; res: VideoProbe };
  /**
   * Samples frames at `settings.fps` into the `frames` store (JPEG thumbnails), resuming after
   * the frames already stored for this video and sampling.
   */
  'video.sample': { req: { videoId: string; file: Blob; name: string; settings: SamplingSettings }; res: SampleResult };
};

export interface SampleResult {
  frames: number;
  resumedFrom: number;
  path: 'webcodecs';
  elapsedMs: number;
}

const BATCH = 8;

async function sample({ videoId, file, name, settings }: MediaProtocol['video.sample']['req'], { signal, progress }: HandlerContext): Promise<SampleResult> {
  const start = performance.now();
  const input = openInput(file);
  try {
    const { probe, track } = await probeInput(input, name, file.size);
    if (!probe.webCodecs) {
      throw new VideoRejectedError(name, `this browser's WebCodecs cannot decode ${probe.codec}, and the ffmpeg.wasm fallback is not built yet`, HINT_OTHER_FILE);
    }
    const db = await studioDb();
    const key = samplingKey(settings);
    const total = sampleCount(probe.durationS, settings.fps);
    const resumedFrom = Math.min(await storedPrefix(db, videoId, key), total);
    let pending: Promise<FrameRecord>[] = [];
    const flush = async () => {
      const batch = await Promise.all(pending);
      pending = [];
      if (batch.length) await putFrames(db, batch);
    };
    let done = resumedFrom;
    progress({ done, total, label: 'frames' });
    await sampleWithWebCodecs(track, probe.durationS, settings, {
      fromIndex: resumedFrom,
      signal,
      onFrame: async ({ index, timeS, canvas }) => {
        // convertToBlob copies the pixels now, so the pooled canvas may be reused after this.
        const thumbnail = canvas.convertToBlob({ type: 'image/jpeg', quality: 0.75 });
        pending.push(thumbnail.then((blob) => ({ key: frameKey(videoId, key, index), videoId, samplingKey: key, index, timeS, thumbnail: blob })));
        if (pending.length >= BATCH) await flush();
        done = index + 1;
        progress({ done, total, label: 'frames' });
      },
    });
    await flush();
    return { frames: done, resumedFrom, path: 'webcodecs', elapsedMs: performance.now() - start };
  } catch (e) {
    if (e instanceof DOMException && e.name === 'EncodingError') {
      throw new VideoRejectedError(name, 'the video data is corrupt and cannot be decoded', HINT_OTHER_FILE, { cause: e });
    }
    throw e;
  } finally {
    input.dispose();
  }
}

export function createMediaHandlers() {
  return {
    async 'video.probe'({ file, name }: MediaProtocol['video.probe']['req']) {
      const input = openInput(file);
      try {
        return (await probeInput(input, name, file.size)).probe;
      } finally {
        input.dispose();
      }
    },
    'video.sample': sample,
  };
}
