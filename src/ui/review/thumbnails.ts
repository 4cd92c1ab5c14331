// One thumbnail per clip of a triple: the stored frame in the middle of the clip (library frames,
// src/storage/framesRepo.ts), as an object URL cached for the session so re-opening is instant.
import { frameKey } from '../../storage/framesRepo';
import { studioDb } from '../../storage/db';
import type { ClipRecord, VideoRecord } from '../../storage/schema';

const urls = new Map<string, Promise<string | null>>();

async function load(clipId: string, videoId: string): Promise<string | null> {
  const db = await studioDb();
  const [clip, video] = await Promise.all([db.get('clips', clipId), db.get('videos', videoId)]);
  if (!clip || !video) return null;
  const frame = await db.get('frames', frameKey(video.id, video.samplingKey ?? '', Math.floor((clip.frameStart + clip.frameEnd - 1) / 2)));
  return frame ? URL.createObjectURL(frame.thumbnail) : null;
}

/** The clip's middle thumbnail (null when its video or frames are not in the library). */
export function clipThumbnail(clipId: string, videoId: string): Promise<string | null> {
  let url = urls.get(clipId);
  if (!url) {
    url = load(clipId, videoId).catch(() => null);
    urls.set(clipId, url);
  }
  return url;
}

/** The stored clip and its video, for the player (null when not in the library). */
export async function clipForPlayback(clipId: string, videoId: string): Promise<{ clip: ClipRecord; video: Omit<VideoRecord, 'file'> } | null> {
  const db = await studioDb();
  const [clip, video] = await Promise.all([db.get('clips', clipId), db.get('videos', videoId)]);
  if (!clip || !video) return null;
  const { file: _file, ...summary } = video;
  return { clip, video: summary };
}
