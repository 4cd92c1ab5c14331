// Single-clip SFT synthesis over the demo oracle: the question wordings (`--sft-questions`).
import { describe, expect, it } from 'vitest';
import { buildWorld, createOracleGenerator } from '../world';
import { synthesizeSft, type SftQuestionForm } from './sftSynthesis';

const world = buildWorld();
/** Every short video of the world as one clip (a short video is one scene, so one background). */
const clips = world.videos
  .filter((v) => v.kind === 'short')
  .map((v) => ({ id: `clip-${v.id}`, videoId: v.id, videoName: v.id, startS: 0, endS: v.durationS, frameCount: Math.round(v.durationS) }));

const run = (form: SftQuestionForm) => synthesizeSft(clips, createOracleGenerator(world), { exclude: new Set(), questionsPerClip: 6, questionForm: form });

describe('synthesizeSft question forms', () => {
  it('anchored (the default) writes the generator questions as they are', async () => {
    const { lines, report } = await run('anchored');
    const byDefault = await synthesizeSft(clips, createOracleGenerator(world), { exclude: new Set(), questionsPerClip: 6 });
    expect(byDefault.lines).toEqual(lines);
    expect(report.clipOnly).toBe(0);
    expect(lines.some((l) => l.question.startsWith('On the '))).toBe(true);
  });

  it('both adds the clip-only form beside each anchored question that has one, with the same answer', async () => {
    const anchored = await run('anchored');
    const { lines, report } = await run('both');
    expect(report.clipOnly).toBeGreaterThan(anchored.lines.length / 3);
    expect(lines).toHaveLength(anchored.lines.length + report.clipOnly);
    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const a of anchored.lines) expect(byId.get(a.id)).toEqual(a);
    const extra = lines.filter((l) => l.id.endsWith('-clip'));
    expect(extra).toHaveLength(report.clipOnly);
    for (const l of extra) {
      const twin = byId.get(l.id.slice(0, -'-clip'.length));
      expect(twin, l.id).toBeDefined();
      expect(l.question).not.toBe(twin?.question);
      expect(l.question).not.toMatch(/^On the /);
    }
  });

  it('clip-only replaces a question by its clip-only form where there is one', async () => {
    const anchored = await run('anchored');
    const { lines, report } = await run('clip-only');
    expect(lines.map((l) => l.id)).toEqual(anchored.lines.map((l) => l.id));
    expect(lines.filter((l, i) => l.question !== anchored.lines[i]?.question)).toHaveLength(report.clipOnly);
  });
});
