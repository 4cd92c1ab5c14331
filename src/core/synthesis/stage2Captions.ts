// Recursive scene captioning (DESIGN.md §1, Stage 2 step 1; issue #10): the scenes of a long video
// are captioned in order, the generator seeing scene N and the captions of scenes 1…N−1, so a
// caption can refer back ("the same red circle as in Scene #2"). Editing a caption marks the later
// ones stale; re-captioning from a scene redoes it and every scene after it. Pure.
//
// Must: scene N is captioned only after scenes 1…N−1 and is given exactly their current texts,
// in order (edited ones included). Must: a cancelled run rejects and returns nothing partial.

import type { CancelSignal, ClipRef, Generator } from '../generators/types';
import type { SceneCaptionRecord, Stage2Scene } from './stage2Settings';

function throwIfAborted(signal?: CancelSignal): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  const error = new Error('Scene captioning was cancelled.');
  error.name = 'AbortError';
  throw error;
}

export function sceneRef(s: Stage2Scene): ClipRef {
  const ref: ClipRef = { id: s.id, videoId: s.videoId, videoName: s.videoName, startS: s.startS, endS: s.endS };
  if (s.loadFrames) ref.loadFrames = s.loadFrames;
  return ref;
}

/** Index of the first scene whose caption is missing or stale (`scenes.length` when none is). */
export function firstToCaption(scenes: readonly Stage2Scene[], captions: readonly (SceneCaptionRecord | undefined)[] = []): number {
  for (let k = 0; k < scenes.length; k++) if (!captions[k] || captions[k]?.stale) return k;
  return scenes.length;
}

/**
 * Captions of every scene: those before `from` are kept as given, scene `from` and every later
 * one are written again, in order, each with the texts of all scenes before it. `from` defaults to
 * the first missing or stale caption. Resolves to the full list.
 */
export async function captionScenes(
  scenes: readonly Stage2Scene[],
  generator: Generator,
  options: { captions?: readonly (SceneCaptionRecord | undefined)[]; from?: number; signal?: CancelSignal; onCaption?: (index: number, caption: SceneCaptionRecord) => void } = {},
): Promise<SceneCaptionRecord[]> {
  const given = options.captions ?? [];
  const from = Math.max(0, Math.min(scenes.length, options.from ?? firstToCaption(scenes, given)));
  const out: SceneCaptionRecord[] = [];
  for (let k = 0; k < from; k++) {
    const c = given[k];
    if (!c) throw new RangeError(`Scene #${k + 1} has no caption to keep; re-caption from Scene #${k + 1} or earlier.`);
    out.push(c);
  }
  for (let k = from; k < scenes.length; k++) {
    throwIfAborted(options.signal);
    const g = await generator.caption({ clip: sceneRef(scenes[k] as Stage2Scene), previousCaptions: out.map((c) => c.text) }, options.signal);
    const record: SceneCaptionRecord = { text: g.value, provenance: g.provenance };
    out.push(record);
    options.onCaption?.(k, record);
  }
  throwIfAborted(options.signal);
  return out;
}

/** A copy with scene `index`'s caption replaced by a person's text and every later caption marked stale. */
export function editCaption(captions: readonly (SceneCaptionRecord | undefined)[], index: number, text: string): (SceneCaptionRecord | undefined)[] {
  const current = captions[index];
  if (!current) throw new RangeError(`Scene #${index + 1} has no caption to edit.`);
  if (current.text === text) return [...captions];
  return captions.map((c, k) => {
    if (k === index) return { text, provenance: current.provenance, edited: true };
    return c && k > index ? { ...c, stale: true } : c;
  });
}
