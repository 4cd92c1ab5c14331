// What a video file is, read with mediabunny from the container (no decoding, no full read:
// BlobSource reads slices on demand).
import { ALL_FORMATS, BlobSource, Input, type InputVideoTrack } from 'mediabunny';
import { HINT_OTHER_FILE, UnreadableContainerError, VideoRejectedError } from './errors';

export interface VideoProbe {
  container: string;
  durationS: number;
  /** Display size, after rotation. */
  width: number;
  height: number;
  fps: number;
  /** Full codec string, e.g. avc1.64001f (from ffmpeg: its codec name, e.g. mpeg2video). */
  codec: string;
  rotation: number;
  hasAudio: boolean;
  /** Can this browser's WebCodecs decode the video track? */
  webCodecs: boolean;
}

export function openInput(file: Blob): Input {
  return new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
}

/** Opens `file`, checks it is a usable video, and returns its facts plus the primary track. */
export async function probeInput(input: Input, fileName: string, sizeBytes: number): Promise<{ probe: VideoProbe; track: InputVideoTrack }> {
  if (sizeBytes === 0) throw new VideoRejectedError(fileName, 'the file is empty (0 bytes)', HINT_OTHER_FILE);
  let format;
  try {
    format = await input.getFormat();
  } catch (e) {
    throw new UnreadableContainerError(fileName, 'not a video container the studio can read (is it really a video?)', 'Use mp4, mov, mkv, webm or avi. ' + HINT_OTHER_FILE, { cause: e });
  }
  const track = await input.getPrimaryVideoTrack();
  if (!track) {
    const audio = (await input.getAudioTracks()).length > 0;
    if (audio) throw new VideoRejectedError(fileName, 'it has audio but no video track', HINT_OTHER_FILE);
    // No track at all: often an mp4 whose index is lost (truncated); ffmpeg.wasm says which.
    throw new UnreadableContainerError(fileName, 'it has no video track', HINT_OTHER_FILE);
  }
  const durationS = await input.computeDuration();
  if (!(durationS > 0)) throw new VideoRejectedError(fileName, 'it has no frames (duration 0)', HINT_OTHER_FILE);
  const stats = await track.computePacketStats(120);
  return {
    track,
    probe: {
      container: format.name,
      durationS,
      width: await track.getDisplayWidth(),
      height: await track.getDisplayHeight(),
      fps: stats.averagePacketRate,
      codec: (await track.getCodecParameterString()) ?? (await track.getCodec()) ?? 'unknown',
      rotation: await track.getRotation(),
      hasAudio: (await input.getAudioTracks()).length > 0,
      webCodecs: await track.canDecode(),
    },
  };
}
