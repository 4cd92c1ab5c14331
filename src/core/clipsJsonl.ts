// `clips.jsonl` (issue #5, docs/cli.md): one clip per line with the embedding Stage 1's
// similarity filter used, so a run can be inspected, or repeated on the same clips with
// `longvpo synth`. Pure: text in, clips or line-numbered errors out.
//
// Must: writing then reading gives back the same Float32 embeddings bit for bit (9 significant
// digits round-trip any float32). Must: a file with any bad line gives no clips, and every bad
// line is reported as `line N: <field> <what is wrong> (<how to fix>)`.
import type { ImportIssue } from './jsonRecords';
import type { SynthClip } from './synthesis/stage1';

/** One line of clips.jsonl, as written. Times in seconds; `frames` at the sampling rate. */
export interface ClipLine {
  id: string;
  /** Source video id. */
  video: string;
  /** Source file name (what generators and trainers resolve); defaults to `video`. */
  video_name?: string;
  start_s: number;
  end_s: number;
  /** Sampled frames in the clip; defaults to round((end_s − start_s) · fps). */
  frames?: number;
  embedding: number[];
  /** Visual tokens the embedding is made of (equal parts; `demo --features regions`: 5). Absent: 1. */
  tokens?: number;
}

/** A clip with its embedding, as synthesis takes it. */
export interface EmbeddedSynthClip extends SynthClip {
  embedding: Float32Array;
}

export type ClipsParseResult = { ok: true; clips: EmbeddedSynthClip[]; dim: number; tokens: number } | { ok: false; errors: ImportIssue[] };

/** Shortest decimal that reads back as the same float32 (≤ 9 significant digits). */
function float32Number(x: number): number {
  return Number(Math.fround(x).toPrecision(9));
}

/** The JSONL text: one line per clip, keys in ClipLine order, every line ending in "\n"; `tokens` only when above 1. */
export function clipsJsonl(clips: readonly EmbeddedSynthClip[], tokens = 1): string {
  let out = '';
  for (const c of clips) {
    const line: ClipLine = { id: c.id, video: c.videoId, video_name: c.videoName, start_s: c.startS, end_s: c.endS, frames: c.frameCount, embedding: Array.from(c.embedding, float32Number), ...(tokens > 1 && { tokens }) };
    out += JSON.stringify(line) + '\n';
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses clips.jsonl. `fps` gives the frame count of lines without `frames`. Blank lines are
 * skipped. All embeddings must have the same length (one embedder).
 */
export function parseClipsJsonl(text: string, options: { fps?: number } = {}): ClipsParseResult {
  const fps = options.fps ?? 1;
  const errors: ImportIssue[] = [];
  const clips: EmbeddedSynthClip[] = [];
  const ids = new Map<string, number>();
  let dim = 0;
  let dimLine = 0;
  let tokens = 0;
  let tokensLine = 0;
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '') return;
      const bad = (message: string): void => void errors.push({ line, message });
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (e) {
        bad(`not valid JSON: ${e instanceof Error ? e.message : String(e)} (one JSON object per line)`);
        return;
      }
      if (!isRecord(v)) {
        bad('(the record) must be an object (e.g. {"id": "talk.webm|clip|0000000", "video": "talk.webm", "start_s": 0, "end_s": 8, "embedding": [0.1, …]})');
        return;
      }
      const before = errors.length;
      const str = (key: string, hint: string): string => {
        const x = v[key];
        if (typeof x === 'string' && x.trim() !== '') return x;
        bad(`${key} must be a non-empty string, got ${JSON.stringify(x) ?? 'nothing'} (${hint})`);
        return '';
      };
      const num = (key: string, hint: string): number => {
        const x = v[key];
        if (typeof x === 'number' && Number.isFinite(x) && x >= 0) return x;
        bad(`${key} must be a number ≥ 0, got ${JSON.stringify(x) ?? 'nothing'} (${hint})`);
        return Number.NaN;
      };
      const id = str('id', 'a unique clip id');
      const video = str('video', 'the source video id or file name');
      const videoName = v.video_name === undefined ? video : str('video_name', 'the source file name, e.g. "talk.webm"');
      const startS = num('start_s', 'seconds from the start of the video');
      const endS = num('end_s', 'seconds from the start of the video, after start_s');
      if (endS <= startS) bad(`end_s (${endS}) must be after start_s (${startS}) (a clip spans a positive time)`);
      const frames = v.frames === undefined ? Math.round((endS - startS) * fps) : v.frames;
      if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 0) bad(`frames must be a whole number ≥ 0, got ${JSON.stringify(v.frames)} (sampled frames in the clip; leave it out to use (end_s − start_s) · fps)`);
      const e = v.embedding;
      if (!Array.isArray(e) || e.length === 0 || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        bad('embedding must be a non-empty array of finite numbers (the clip embedding, e.g. the normalised mean of its frame embeddings)');
      } else if (dim === 0) {
        dim = e.length;
        dimLine = line;
      } else if (e.length !== dim) {
        bad(`embedding has ${e.length} numbers but line ${dimLine} has ${dim} (all clips must come from one embedder)`);
      }
      const t = v.tokens ?? 1;
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || (Array.isArray(e) && e.length % t !== 0)) bad(`tokens must be a whole number ≥ 1 that divides the embedding's length, got ${JSON.stringify(v.tokens)} (visual tokens per clip; leave it out for 1)`);
      else if (tokens === 0) {
        tokens = t;
        tokensLine = line;
      } else if (t !== tokens) bad(`tokens is ${t} but line ${tokensLine} has ${tokens} (all clips must come from one embedder)`);
      const earlier = ids.get(id);
      if (id && earlier !== undefined) bad(`id ${JSON.stringify(id)} is also used on line ${earlier} (clip ids must be unique)`);
      if (errors.length > before) return;
      ids.set(id, line);
      clips.push({ id, videoId: video, videoName, startS, endS, frameCount: frames as number, embedding: Float32Array.from(e as number[]) });
    });
  if (errors.length === 0 && clips.length === 0) errors.push({ line: 1, message: 'the file holds no clips (one JSON object per line; see docs/cli.md)' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, clips, dim, tokens };
}
