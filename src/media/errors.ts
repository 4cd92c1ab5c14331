import { UserFacingError } from '../core/errors';

/** A video the studio cannot use, with the file's name and the reason in the message. */
export class VideoRejectedError extends UserFacingError {
  override name = 'VideoRejectedError';
  constructor(fileName: string, reason: string, hint: string, options?: { cause?: unknown }) {
    super(`${fileName}: ${reason}`, hint, options);
  }
}

export const HINT_OTHER_FILE = 'Choose another file, or re-encode this one (e.g. ffmpeg -i in.mov -c:v libx264 out.mp4). Your other videos are untouched.';

/** mediabunny cannot read the container (AVI, MPEG-PS, …, or not a video): ffmpeg.wasm may. */
export class UnreadableContainerError extends VideoRejectedError {
  override name = 'UnreadableContainerError';
}
