import { describe, expect, it } from 'vitest';
import { parseSceneList, sceneListJsonl } from './sceneList';

const known = [{ id: 'v1', name: 'talk.mp4', durationS: 300 }];
const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('parseSceneList', () => {
  it('reads scenes by video in time order, with captions as imported text, and round-trips', () => {
    const text = [line({ video: 'talk.mp4', start_s: 60, end_s: 120, caption: 'B' }), line({ video: 'talk.mp4', start_s: 0, end_s: 60, caption: 'A' })].join('\n');
    const r = parseSceneList(text, { known, sourceName: 'scenes.jsonl' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [v] = r.videos;
    expect(v!.scenes.map((s) => [s.startS, s.endS, s.frameCount, s.videoId])).toEqual([[0, 60, 60, 'v1'], [60, 120, 60, 'v1']]);
    expect(v!.captions!.map((c) => c!.text)).toEqual(['A', 'B']);
    expect(v!.captions![0]!.provenance).toEqual({ generator: 'imported', model: 'scenes.jsonl', promptId: 'scene-list', promptVersion: 1 });
    const again = parseSceneList(sceneListJsonl(r.videos), { known, sourceName: 'scenes.jsonl' });
    expect(again.ok && again.videos).toEqual(r.videos);
  });

  it('refuses overlapping scenes, scenes past the end and unknown videos, with lines, and returns nothing', () => {
    const text = [
      line({ video: 'talk.mp4', start_s: 0, end_s: 70 }),
      line({ video: 'talk.mp4', start_s: 60, end_s: 120 }),
      line({ video: 'talk.mp4', start_s: 250, end_s: 320 }),
      line({ video: 'holiday.mp4', start_s: 0, end_s: 10 }),
      '{not json',
      line({ video: 'talk.mp4', start_s: 130, end_s: 125 }),
    ].join('\n');
    const r = parseSceneList(text, { known });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.errors[0]!.message).toMatch(/overlaps the scene 0–70 s of talk.mp4 on line 1/);
    expect(r.errors[1]!.message).toMatch(/past the end of talk.mp4 \(300 s\)/);
    expect(r.errors[2]!.message).toMatch(/"holiday.mp4" is not in the library/);
    expect(r.errors[3]!.message).toMatch(/not valid JSON/);
    expect(r.errors[4]!.message).toMatch(/end_s must be a number greater than start_s/);
  });

  it('without known videos uses duration_s, else the last scene end', () => {
    const r = parseSceneList([line({ video: 'a.mp4', start_s: 0, end_s: 50, duration_s: 200 }), line({ video: 'b.mp4', start_s: 0, end_s: 40 })].join('\n'));
    expect(r.ok && r.videos.map((v) => v.durationS)).toEqual([200, 40]);
  });
});
