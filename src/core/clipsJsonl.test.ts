// clips.jsonl: float32 embeddings survive a write/read round trip bit for bit, and every bad line
// is reported with its line number.
import { describe, expect, it } from 'vitest';
import { clipsJsonl, parseClipsJsonl, type EmbeddedSynthClip } from './clipsJsonl';

const clip = (id: string, embedding: number[], extra: Partial<EmbeddedSynthClip> = {}): EmbeddedSynthClip => ({
  id,
  videoId: 'v1',
  videoName: 'talk.webm',
  startS: 0,
  endS: 8,
  frameCount: 8,
  embedding: Float32Array.from(embedding),
  ...extra,
});

describe('clips.jsonl', () => {
  it('round-trips ids, times, frame counts and float32 embeddings exactly', () => {
    const clips = [clip('a', [0.1, -0.2, 1 / 3]), clip('b', [1e-8, 0.7071067811865476, -1], { videoId: 'v2', videoName: 'b.mp4', startS: 8, endS: 13, frameCount: 5 })];
    const text = clipsJsonl(clips);
    expect(text.split('\n')).toHaveLength(3);
    expect(Object.keys(JSON.parse(text.split('\n')[0]!) as object)).toEqual(['id', 'video', 'video_name', 'start_s', 'end_s', 'frames', 'embedding']);
    const back = parseClipsJsonl(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.dim).toBe(3);
    expect(back.clips).toEqual(clips);
  });

  it('writes and reads visual tokens per clip, and rejects a count that does not divide the embedding', () => {
    const text = clipsJsonl([clip('a', [1, 0, 0, 1]), clip('b', [0, 1, 1, 0])], 2);
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ tokens: 2 });
    const back = parseClipsJsonl(text);
    expect(back.ok && back.tokens).toBe(2);
    expect('tokens' in (JSON.parse(clipsJsonl([clip('a', [1, 0])])) as object)).toBe(false);
    const one = parseClipsJsonl(clipsJsonl([clip('a', [1, 0])]));
    expect(one.ok && one.tokens).toBe(1);
    const bad = parseClipsJsonl('{"id": "a", "video": "v", "start_s": 0, "end_s": 8, "embedding": [1, 0, 0], "tokens": 2}\n{"id": "b", "video": "v", "start_s": 0, "end_s": 8, "embedding": [1, 0, 0], "tokens": 3}\n{"id": "c", "video": "v", "start_s": 0, "end_s": 8, "embedding": [1, 0, 0]}\n');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => e.line)).toEqual([1, 3]);
    expect(bad.errors[0]?.message).toMatch(/tokens must be a whole number ≥ 1 that divides/);
    expect(bad.errors[1]?.message).toMatch(/tokens is 1 but line 2 has 3/);
  });

  it('fills video_name and frames from video and the sampling rate when absent', () => {
    const back = parseClipsJsonl('{"id": "x", "video": "talk.webm", "start_s": 2, "end_s": 6, "embedding": [1, 0]}\n', { fps: 2 });
    expect(back.ok && back.clips[0]).toMatchObject({ videoId: 'talk.webm', videoName: 'talk.webm', frameCount: 8 });
  });

  it('reports every bad line with its number and gives no clips', () => {
    const lines = [
      '{"id": "a", "video": "v", "start_s": 0, "end_s": 8, "embedding": [1, 0, 0]}',
      '{"id": "b", "video": "v", "start_s": 8, "end_s": 4, "embedding": [1, 0, 0]}',
      '',
      'nope',
      '{"id": "a", "video": "v", "start_s": 0, "end_s": 8, "embedding": [1, 0]}',
      '{"id": "c", "start_s": 0, "end_s": 8, "embedding": []}',
    ];
    const r = parseClipsJsonl(lines.join('\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byLine = (n: number): string => r.errors.filter((e) => e.line === n).map((e) => e.message).join(' | ');
    expect(byLine(1)).toBe('');
    expect(byLine(2)).toMatch(/end_s \(4\) must be after start_s \(8\)/);
    expect(byLine(4)).toMatch(/not valid JSON/);
    expect(byLine(5)).toMatch(/2 numbers but line 1 has 3/);
    expect(byLine(5)).toMatch(/"a" is also used on line 1/);
    expect(byLine(6)).toMatch(/video must be a non-empty string/);
    expect(byLine(6)).toMatch(/embedding must be a non-empty array/);
  });

  it('rejects an empty file', () => {
    expect(parseClipsJsonl('\n\n')).toEqual({ ok: false, errors: [{ line: 1, message: expect.stringMatching(/no clips/) }] });
  });
});
