// Frame sampling through WebCodecs (demux: mediabunny). Memory stays bounded: frames are decoded
// one at a time into a small canvas pool and handed to `onFrame` before the next is decoded.
import { CanvasSink, type InputVideoTrack } from 'mediabunny';

export interface SamplingSettings {
  /** Frames per second to sample (paper: 1). */
  fps: number;
  /** Square model-input size in pixels; frames are letterboxed into it. */
  size: number;
}

export function samplingKey(s: SamplingSettings): string {
  return `fps${s.fps}-px${s.size}`;
}

export interface SampledFrame {
  index: number;
  timeS: number;
  /** The decoded frame, letterboxed into size × size. Valid only during the onFrame call. */
  canvas: OffscreenCanvas;
}

/** Sample times 0, 1/fps, 2/fps, … below the duration (frame count = ceil(duration · fps)). */
export function sampleCount(durationS: number, fps: number): number {
  return Math.max(1, Math.ceil(durationS * fps - 1e-9));
}

export async function sampleWithWebCodecs(
  track: InputVideoTrack,
  durationS: number,
  settings: SamplingSettings,
  options: { fromIndex?: number; signal?: AbortSignal; onFrame: (frame: SampledFrame) => Promise<void> | void },
): Promise<number> {
  const first = await track.getFirstTimestamp();
  const total = sampleCount(durationS, settings.fps);
  const from = options.fromIndex ?? 0;
  const times = Array.from({ length: total - from }, (_, i) => first + (from + i) / settings.fps);
  const sink = new CanvasSink(track, { width: settings.size, height: settings.size, fit: 'contain', poolSize: 2 });
  let index = from;
  let delivered = 0;
  for await (const wrapped of sink.canvasesAtTimestamps(times)) {
    if (options.signal?.aborted) break; // leaving the loop closes the decoder
    // null: no frame at or before this time (stream starts late); keep the index for alignment.
    if (wrapped) {
      await options.onFrame({ index, timeS: (index) / settings.fps, canvas: wrapped.canvas as OffscreenCanvas });
      delivered++;
    }
    index++;
  }
  options.signal?.throwIfAborted();
  return delivered;
}
