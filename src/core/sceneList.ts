// Scene lists (issue #10): the scenes of long videos as a file — start/end seconds per video and,
// optionally, a caption per scene (as in Vript-style releases) — read into Stage 2 videos, and the
// `scenes.jsonl` the CLI writes. Pure: text in, videos or line-numbered errors out.
//
// Must: a file with any bad line gives no videos (all or nothing); every problem is reported as
// `line N: <what is wrong> (<how to fix>)`. Must: scenes of one video may not overlap, may not run
// past the video's end, and must name a known video when the caller knows which videos exist.

import { UserFacingError } from './errors';
import { Issues, isRecord, readRecords, type ImportIssue, type RecordFormat } from './jsonRecords';
import type { SceneCaptionRecord, Stage2Video } from './synthesis/stage2Settings';

/** One line of a scene list. Times in seconds of the source video. */
export interface SceneLine {
  /** Scene id; default `${video}|scene|${start_s}`. */
  id?: string;
  /** Source video id, or its file name. */
  video: string;
  video_name?: string;
  start_s: number;
  end_s: number;
  /** Sampled frames; default round((end_s − start_s) · fps). */
  frames?: number;
  /** The video's length; when known videos are given it comes from them. */
  duration_s?: number;
  caption?: string;
}

export interface KnownVideo {
  id: string;
  name: string;
  durationS: number;
}

export type SceneListResult = { ok: true; videos: Stage2Video[]; warnings: ImportIssue[] } | { ok: false; errors: ImportIssue[]; moreErrors: number };

const FORMAT: RecordFormat = {
  lineSyntaxError: (detail) => `is not valid JSON: ${detail} (each line must be one scene as a JSON object)`,
  arraySyntaxError: (detail) => `is not valid JSON: ${detail} (the file is read as one JSON array of scenes)`,
  prettyPrinted: 'the file is not JSONL: it looks pretty-printed (put each scene on one line, or wrap the scenes in a JSON array [ … ])',
};
const FIELDS = new Set(['id', 'video', 'video_name', 'start_s', 'end_s', 'frames', 'duration_s', 'caption']);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Reads a scene list. With `known`, each line's `video` must be one of them (by id or file name)
 * and their durations bound the scenes; without, `duration_s` (or the last scene's end) is used.
 */
export function parseSceneList(text: string, options: { known?: readonly KnownVideo[]; fps?: number; sourceName?: string; maxErrors?: number } = {}): SceneListResult {
  const fps = options.fps ?? 1;
  const issues = new Issues({ maxErrors: options.maxErrors ?? 50, unknownField: (f, lines) => `${f} is not a scene-list field and was ignored (lines ${lines}; fields: docs/stage2.md)` });
  const byVideo = new Map<string, { video: Stage2Video; lines: number[]; durationLine?: number }>();
  const ids = new Map<string, number>();
  const provenance = { generator: 'imported' as const, model: options.sourceName ?? 'scene list', promptId: 'scene-list', promptVersion: 1 };
  for (const r of readRecords(text, issues, FORMAT)) {
    if (r.syntaxError) {
      issues.error(r.line, r.where + r.syntaxError);
      continue;
    }
    const v = r.value;
    const bad = (m: string) => issues.error(r.line, r.where + m);
    if (!isRecord(v)) {
      bad('must be a JSON object with video, start_s and end_s');
      continue;
    }
    for (const k of Object.keys(v)) if (!FIELDS.has(k)) issues.unknownField(r.line, k);
    if (typeof v.video !== 'string' || !v.video) bad('video must be the video id or file name, e.g. "talk.mp4"');
    if (!isNum(v.start_s) || v.start_s < 0) bad(`start_s must be a number ≥ 0 (seconds from the start of the video), got ${JSON.stringify(v.start_s)}`);
    if (!isNum(v.end_s) || (isNum(v.start_s) && v.end_s <= v.start_s)) bad(`end_s must be a number greater than start_s (seconds), got ${JSON.stringify(v.end_s)}`);
    if (v.frames !== undefined && !(Number.isInteger(v.frames) && (v.frames as number) >= 1)) bad('frames must be a whole number ≥ 1 (sampled frames in the scene)');
    if (v.caption !== undefined && typeof v.caption !== 'string') bad('caption must be text');
    if (v.duration_s !== undefined && !(isNum(v.duration_s) && v.duration_s > 0)) bad('duration_s must be a positive number (the video\'s length in seconds)');
    if (v.id !== undefined && (typeof v.id !== 'string' || !v.id)) bad('id must be non-empty text');
    if (typeof v.video !== 'string' || !isNum(v.start_s) || !isNum(v.end_s) || v.end_s <= v.start_s) continue;
    const known = options.known?.find((k) => k.id === v.video || k.name === v.video);
    if (options.known && !known) {
      bad(`video "${v.video}" is not in the library (import the video first, or use its file name as shown in the Library)`);
      continue;
    }
    const videoId = known?.id ?? v.video;
    const videoName = known?.name ?? (typeof v.video_name === 'string' && v.video_name ? v.video_name : v.video);
    const id = typeof v.id === 'string' && v.id ? v.id : `${videoId}|scene|${v.start_s}`;
    const seen = ids.get(id);
    if (seen !== undefined) bad(`id "${id}" is also used on line ${seen} (scene ids must be unique)`);
    ids.set(id, r.line);
    const entry = byVideo.get(videoId) ?? { video: { videoId, videoName, durationS: known?.durationS ?? 0, scenes: [], captions: [] }, lines: [] };
    byVideo.set(videoId, entry);
    if (!known && isNum(v.duration_s)) entry.video.durationS = Math.max(entry.video.durationS, v.duration_s);
    const frames = typeof v.frames === 'number' ? v.frames : Math.max(1, Math.round((v.end_s - v.start_s) * fps));
    entry.video.scenes.push({ id, videoId, videoName, startS: v.start_s, endS: v.end_s, frameCount: frames });
    entry.video.captions!.push(typeof v.caption === 'string' ? ({ text: v.caption, provenance } satisfies SceneCaptionRecord) : undefined);
    entry.lines.push(r.line);
  }
  for (const { video, lines } of byVideo.values()) {
    // In time order; a scene may start where the previous one ends, never before.
    const order = video.scenes.map((_, i) => i).sort((a, b) => video.scenes[a]!.startS - video.scenes[b]!.startS || a - b);
    for (let k = 1; k < order.length; k++) {
      const prev = video.scenes[order[k - 1]!]!;
      const cur = video.scenes[order[k]!]!;
      if (cur.startS < prev.endS - 1e-6) issues.error(lines[order[k]!]!, `the scene ${cur.startS}–${cur.endS} s overlaps the scene ${prev.startS}–${prev.endS} s of ${video.videoName} on line ${lines[order[k - 1]!]} (scenes of a video may not overlap)`);
    }
    const lastEnd = Math.max(...video.scenes.map((s) => s.endS));
    if (video.durationS === 0) video.durationS = lastEnd;
    video.scenes.forEach((s, i) => {
      if (s.endS > video.durationS + 0.5) issues.error(lines[i]!, `the scene ends at ${s.endS} s, past the end of ${video.videoName} (${video.durationS} s) (fix end_s, or the video's duration_s)`);
    });
    video.captions = order.map((i) => video.captions![i]);
    video.scenes = order.map((i) => video.scenes[i]!);
    if (video.captions.every((c) => c === undefined)) delete video.captions;
  }
  if (issues.errors.length > 0) return { ok: false, errors: [...issues.errors].sort((a, b) => a.line - b.line), moreErrors: issues.dropped };
  return { ok: true, videos: [...byVideo.values()].map((e) => e.video), warnings: issues.summariseWarnings() };
}

/** `scenes.jsonl`: one scene per line, in video then time order (captions when given). */
export function sceneListJsonl(videos: readonly Stage2Video[]): string {
  let out = '';
  for (const v of videos)
    v.scenes.forEach((s, k) => {
      const line: SceneLine = { id: s.id, video: v.videoId, video_name: v.videoName, start_s: s.startS, end_s: s.endS, frames: s.frameCount, duration_s: v.durationS };
      const caption = v.captions?.[k]?.text;
      if (caption !== undefined) line.caption = caption;
      out += JSON.stringify(line) + '\n';
    });
  return out;
}

/** One UserFacingError for a refused scene list: the first problems with their lines, and the fix. */
export function sceneListFailure(fileName: string, errors: readonly ImportIssue[], moreErrors = 0): UserFacingError {
  const total = errors.length + moreErrors;
  const shown = errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`).join('; ');
  const rest = total - Math.min(5, errors.length);
  return new UserFacingError(
    `${fileName} was not imported (${total} ${total === 1 ? 'problem' : 'problems'}; nothing from it was stored): ${shown}${rest > 0 ? `; and ${rest} more` : ''}.`,
    'Fix those lines and import the scene list again (one scene per line: video, start_s, end_s, optional caption; docs/stage2.md).',
  );
}
