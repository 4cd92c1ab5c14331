// One fingerprint of a world's ground truth and pixels: the browser (after generating the demo)
// and Node (in tests) compute it for the same seed and must agree (issue #4).
import { frameHash, renderFrame } from './raster';
import type { World } from './types';

/** FNV-1a over the world's JSON (UTF-16 code units), then over frame 0 of every video. */
export function worldFingerprint(world: World): string {
  const json = JSON.stringify(world);
  const units = new Uint16Array(json.length);
  for (let i = 0; i < json.length; i++) units[i] = json.charCodeAt(i);
  let hash = frameHash(units);
  for (const video of world.videos) hash = frameHash(renderFrame(world, video, 0), Number.parseInt(hash, 16));
  return hash;
}
