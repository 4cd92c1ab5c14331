// Encodes raw RGBA frames into a real video file in the browser: WebCodecs VideoEncoder through
// mediabunny's muxer (WebM, VP8/VP9). The demo world (issue #4) is made into files this way and
// then imported through the same decode path as a user's videos.
import { BufferTarget, canEncodeVideo, Output, VideoSample, VideoSampleSource, WebMOutputFormat, type VideoCodec } from 'mediabunny';

export interface RawVideo {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** Writes frame `index` as RGBA (width × height × 4 bytes) into `out`. */
  render(index: number, out: Uint8ClampedArray): void;
}

export interface EncodedVideo {
  blob: Blob;
  codec: VideoCodec;
}

/** The first of VP8, VP9 that this browser's WebCodecs can encode at this size. */
export async function demoCodec(width: number, height: number): Promise<VideoCodec> {
  for (const codec of ['vp8', 'vp9'] as const) if (await canEncodeVideo(codec, { width, height })) return codec;
  throw new Error(`this browser cannot encode VP8 or VP9 video at ${width}×${height} with WebCodecs`);
}

export async function encodeVideo(
  video: RawVideo,
  codec: VideoCodec,
  options: { bitrate?: number; signal?: AbortSignal; onFrame?: (index: number) => void } = {},
): Promise<EncodedVideo> {
  const { width, height, fps, frameCount } = video;
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  // Low-resolution synthetic scenes: ~0.4 bit per pixel per frame keeps patterns crisp.
  const source = new VideoSampleSource({ codec, bitrate: options.bitrate ?? Math.round(width * height * fps * 0.4), keyFrameInterval: 2 });
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  const rgba = new Uint8ClampedArray(width * height * 4);
  try {
    for (let i = 0; i < frameCount; i++) {
      options.signal?.throwIfAborted();
      video.render(i, rgba);
      const sample = new VideoSample(rgba, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: i / fps, duration: 1 / fps });
      try {
        await source.add(sample); // respects encoder backpressure
      } finally {
        sample.close();
      }
      options.onFrame?.(i);
    }
    await output.finalize();
  } catch (e) {
    await output.cancel();
    throw e;
  }
  const buffer = output.target.buffer;
  if (!buffer) throw new Error('the encoder produced no data');
  return { blob: new Blob([buffer], { type: 'video/webm' }), codec };
}
