// The fallback probe: what ffmpeg.wasm says about a file mediabunny cannot open (AVI, MPEG-PS,
// MPEG-TS, a truncated mp4, …). Such files are then decoded by ffmpeg.wasm too.
import { FFmpeg } from '@ffmpeg/ffmpeg';
import { HINT_OTHER_FILE, VideoRejectedError } from './errors';
import { ffmpegOpenError, parseFfmpegInfo } from './ffmpegInfo';
import type { VideoProbe } from './probe';
import { loadWithFile, type FfmpegCoreUrls } from './sampleFfmpeg';

export async function probeWithFfmpeg(file: Blob, name: string, core: FfmpegCoreUrls): Promise<VideoProbe> {
  const ffmpeg = new FFmpeg();
  const lines: string[] = [];
  ffmpeg.on('log', ({ message }) => lines.push(message));
  try {
    const path = await loadWithFile(ffmpeg, file, name, core);
    // Exits non-zero ("At least one output file must be specified") after printing the facts.
    await ffmpeg.exec(['-hide_banner', '-i', path]);
  } finally {
    ffmpeg.terminate();
  }
  const log = lines.join('\n');
  const openError = ffmpegOpenError(log);
  if (openError) {
    const hint = /incomplete/.test(openError) ? `Import the complete file. ${HINT_OTHER_FILE}` : `Use mp4, mov, mkv, webm or avi. ${HINT_OTHER_FILE}`;
    throw new VideoRejectedError(name, openError, hint);
  }
  const info = parseFfmpegInfo(log);
  if (!info.video) throw new VideoRejectedError(name, info.hasAudio ? 'it has audio but no video track' : 'it has no video track', HINT_OTHER_FILE);
  if (!(info.durationS && info.durationS > 0)) throw new VideoRejectedError(name, 'it has no frames (duration unknown or 0)', HINT_OTHER_FILE);
  if (!(info.video.width > 0 && info.video.height > 0)) throw new VideoRejectedError(name, `its video size is unknown (${info.video.codec})`, HINT_OTHER_FILE);
  return {
    container: info.container,
    durationS: info.durationS,
    width: info.video.width,
    height: info.video.height,
    fps: info.video.fps,
    codec: info.video.codec,
    rotation: info.video.rotation,
    hasAudio: info.hasAudio,
    webCodecs: false,
  };
}
