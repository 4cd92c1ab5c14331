// Lookups over a built world, cached per world object (the world itself stays plain JSON data).

import type { Entity, World, WorldScene, WorldVideo } from './types';

interface Index {
  entities: Map<string, Entity>;
  /** By background id and by background name. */
  backgrounds: Map<string, { video: WorldVideo; scene: WorldScene }>;
  videos: Map<string, WorldVideo>;
}

const indexes = new WeakMap<World, Index>();

function indexOf(world: World): Index {
  let index = indexes.get(world);
  if (index) return index;
  index = { entities: new Map(), backgrounds: new Map(), videos: new Map() };
  for (const e of world.entities) index.entities.set(e.id, e);
  for (const video of world.videos) {
    for (const name of [video.id, video.fileName, stripExtension(video.fileName)]) index.videos.set(name, video);
    for (const scene of video.scenes) {
      index.backgrounds.set(scene.background.id, { video, scene });
      index.backgrounds.set(scene.background.name, { video, scene });
    }
  }
  indexes.set(world, index);
  return index;
}

export function stripExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

export function entityOf(world: World, id: string): Entity {
  const e = indexOf(world).entities.get(id);
  if (!e) throw new RangeError(`no entity ${id} in this world`);
  return e;
}

/** The video a file name (with or without extension) or video id names. */
export function findVideo(world: World, name: string): WorldVideo | undefined {
  const videos = indexOf(world).videos;
  return videos.get(name) ?? videos.get(stripExtension(name));
}

/** The one scene a background (by id or name) belongs to: backgrounds are unique in a world. */
export function sceneOfBackground(world: World, idOrName: string): { video: WorldVideo; scene: WorldScene } | undefined {
  return indexOf(world).backgrounds.get(idOrName);
}

/** The scene showing at video time t (the last scene for t at or past the end). */
export function sceneAt(video: WorldVideo, t: number): WorldScene {
  for (const s of video.scenes) if (t < s.endS) return s;
  const last = video.scenes[video.scenes.length - 1];
  if (!last) throw new RangeError(`video ${video.id} has no scenes`);
  return last;
}
