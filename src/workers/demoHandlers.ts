// The demo world made into real video files (issue #4): rendered by the pure rasterizer,
// encoded with WebCodecs + mediabunny's WebM muxer, returned as Files for the normal import path.
import { buildWorld, renderFrame, videoFormat, worldFingerprint, type WorldConfig } from '../core/world';
import { demoCodec, encodeVideo } from '../media/encodeVideo';
import type { HandlerContext } from './rpc';

export interface DemoFile {
  file: File;
  kind: 'short' | 'long';
  durationS: number;
}

export interface DemoResult {
  files: DemoFile[];
  config: WorldConfig;
  worldVersion: number;
  codec: string;
  /**
   * `worldFingerprint`: FNV-1a of the world's JSON and of the first frame of every video. Node
   * computes the same for the same seed (tests compare them).
   */
  truthHash: string;
  frames: number;
  renderMs: number;
  encodeMs: number;
}

export type DemoProtocol = {
  /** Builds the demo world for `config` and encodes every video (WebM); progress in frames. */
  'demo.generate': { req: { config: Partial<WorldConfig> }; res: DemoResult };
};

async function generate({ config }: DemoProtocol['demo.generate']['req'], { signal, progress }: HandlerContext): Promise<DemoResult> {
  const world = buildWorld(config);
  const total = world.videos.reduce((n, v) => n + v.frameCount, 0);
  const codec = await demoCodec(world.config.width, world.config.height);
  let done = 0;
  let renderMs = 0;
  const start = performance.now();
  const files: DemoFile[] = [];
  progress({ done, total, label: 'frames' });
  for (const video of world.videos) {
    const format = videoFormat(world, video);
    const { blob } = await encodeVideo(
      {
        ...format,
        render: (index, out) => {
          const t = performance.now();
          renderFrame(world, video, index, out);
          renderMs += performance.now() - t;
        },
      },
      codec,
      {
        signal,
        onFrame: () => {
          done++;
          if (done % 64 === 0) progress({ done, total, label: 'frames' });
        },
      },
    );
    files.push({ file: new File([blob], video.fileName, { type: 'video/webm' }), kind: video.kind, durationS: video.durationS });
  }
  progress({ done: total, total, label: 'frames' });
  return { files, config: world.config, worldVersion: world.version, codec, truthHash: worldFingerprint(world), frames: total, renderMs, encodeMs: performance.now() - start - renderMs };
}

export function createDemoHandlers() {
  return { 'demo.generate': generate };
}
