// Frame sampling through ffmpeg.wasm (single-thread @ffmpeg/core): the universal fallback for
// streams WebCodecs refuses (HEVC here, MPEG-2, …). The file is mounted with WORKERFS, which
// reads Blob slices on demand (never copied into MEMFS), and the video is processed in chunks of
// CHUNK_S seconds so the raw output in MEMFS stays small (150 KB per 224 px frame).
import { FFFSType, FFmpeg } from '@ffmpeg/ffmpeg';
import type { SampledFrame, SamplingSettings } from './sampleWebCodecs';
import { sampleCount } from './sampleWebCodecs';

/** URLs of @ffmpeg/core's ESM build on the app's own origin (Vite `?url` imports). */
export interface FfmpegCoreUrls {
  coreURL: string;
  wasmURL: string;
}

const CHUNK_S = 60;

/** Loads ffmpeg.wasm and mounts `file` read-only (WORKERFS: Blob slices, no copy); returns its path. */
export async function loadWithFile(ffmpeg: FFmpeg, file: Blob, name: string, core: FfmpegCoreUrls): Promise<string> {
  await ffmpeg.load(core);
  await ffmpeg.createDir('/in'); // must exist before mounting
  const safeName = name.replace(/[^\w.-]/g, '_') || 'input';
  await ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: safeName, data: file }] }, '/in');
  return `/in/${safeName}`;
}

export async function sampleWithFfmpeg(
  file: Blob,
  name: string,
  durationS: number,
  settings: SamplingSettings,
  core: FfmpegCoreUrls,
  options: { fromIndex?: number; signal?: AbortSignal; onFrame: (frame: SampledFrame) => Promise<void> | void },
): Promise<number> {
  const { fps, size } = settings;
  const total = sampleCount(durationS, fps);
  const ffmpeg = new FFmpeg();
  // ffmpeg.wasm cannot be interrupted mid-exec; terminate() kills its worker.
  const stop = () => ffmpeg.terminate();
  options.signal?.addEventListener('abort', stop, { once: true });
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context for ffmpeg frames');
  let delivered = 0;
  try {
    const path = await loadWithFile(ffmpeg, file, name, core);
    const frameBytes = size * size * 3;
    // round=up: frame k is the last input frame at or before k / fps, as in the WebCodecs path
    // (the default round=near picks one up to half a period later).
    const filter = `fps=${fps}:round=up,scale=${size}:${size}:force_original_aspect_ratio=decrease,pad=${size}:${size}:(ow-iw)/2:(oh-ih)/2`;
    for (let index = options.fromIndex ?? 0; index < total; ) {
      options.signal?.throwIfAborted();
      const startS = index / fps;
      const count = Math.min(total - index, Math.ceil(CHUNK_S * fps));
      const rc = await ffmpeg.exec(['-ss', String(startS), '-t', String(count / fps), '-i', path, '-an', '-vf', filter, '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '/out.rgb']);
      if (rc !== 0) throw new Error(`ffmpeg.wasm could not decode ${name} (exit code ${rc})`);
      const raw = (await ffmpeg.readFile('/out.rgb')) as Uint8Array;
      await ffmpeg.deleteFile('/out.rgb');
      const got = Math.floor(raw.length / frameBytes);
      if (got === 0) break; // past the last decodable frame
      const rgba = new ImageData(size, size);
      for (let k = 0; k < got; k++) {
        options.signal?.throwIfAborted();
        for (let p = 0, q = k * frameBytes; p < size * size; p++, q += 3) {
          rgba.data[p * 4] = raw[q] ?? 0;
          rgba.data[p * 4 + 1] = raw[q + 1] ?? 0;
          rgba.data[p * 4 + 2] = raw[q + 2] ?? 0;
          rgba.data[p * 4 + 3] = 255;
        }
        ctx.putImageData(rgba, 0, 0);
        await options.onFrame({ index: index + k, timeS: (index + k) / fps, canvas });
        delivered++;
      }
      index += got;
      if (got < count) break;
    }
  } catch (e) {
    options.signal?.throwIfAborted(); // a terminate() by Cancel surfaces as an AbortError
    throw typeof e === 'string' ? new Error(e) : e; // ffmpeg.wasm rejects with strings
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (ffmpeg.loaded) ffmpeg.terminate();
  }
  return delivered;
}
