// The acceptance lines: each verdict from synthetic paired results whose truth is known — a run
// that gains 20 points at 16 clips meets the long line and one that gains 4 does not; a removed
// position effect meets the gap line, a flat SFT leaves it unresolved and says why; a 5-point
// single-clip loss fails that line and a 1-point one holds it; Stage 2 lines from the Stage 2
// probe's own per-item results; missing or unpaired evaluations give "no data" with the fix.
import { describe, expect, it } from 'vitest';
import { acceptanceLines, acceptanceRun, acceptanceSummary } from './acceptance';
import { pairedGains, perItem, type PerItem } from './compare';
import type { PositionGapChange } from './positionGap';
import type { ProbeItem } from './probe';
import { mulberry32 } from '../world/random';

/** `questions` questions, each asked once at 1 clip and at 4 positions of 16 clips. */
function probeItems(questions: number): ProbeItem[] {
  const items: ProbeItem[] = [];
  for (let q = 0; q < questions; q++) {
    const base = { anchor: `a${q}`, question: `question ${q}`, answer: 'yes', family: 'f', candidates: ['yes', 'no'] };
    items.push({ ...base, id: `probe-${q}-1-0`, length: 1, position: 0, bucket: 0, clips: [`a${q}`] });
    [0, 5, 10, 15].forEach((position, bucket) => items.push({ ...base, id: `probe-${q}-16-${position}`, length: 16, position, bucket, clips: Array.from({ length: 16 }, (_, k) => (k === position ? `a${q}` : `d${q}-${k}`)) }));
  }
  return items;
}

const items = probeItems(300);

/**
 * Right where a shared per-item draw u falls under the rate of the item's cell, so two runs are
 * paired as real runs of one probe are: a higher rate only ever adds items.
 */
function run(rate: (length: number, bucket: number) => number): PerItem {
  const rng = mulberry32(7);
  const u = items.map(() => rng.next());
  return perItem(
    items,
    items.map((i) => i.length),
    items.map((it, k) => (u[k] as number) < rate(it.length, it.bucket)),
  );
}

/** A Stage 2 probe's per-item results: n questions at full and cited, right at the rate. */
function stage2Probe(rate: number, n = 200): PerItem {
  const rng = mulberry32(11);
  const u = Array.from({ length: n }, () => rng.next());
  const probe = Array.from({ length: n }, (_, k) => ({ id: `s2-${k}`, clips: [`v${k}`], answer: 'right', candidates: ['right', 'degraded'] }));
  return perItem([...probe, ...probe.map((p) => ({ ...p, id: `${p.id}-cited` }))], [...probe.map(() => 'full'), ...probe.map(() => 'cited')], [...u, ...u].map((x) => x < rate));
}

const byLine = (lines: ReturnType<typeof acceptanceLines>) => Object.fromEntries(lines.map((l) => [l.line, l]));

describe('acceptance lines', () => {
  // SFT: 70% at one clip, 40% at 16 clips with a recency ramp (30 … 50).
  const sft = run((len, b) => (len === 1 ? 0.7 : [0.3, 0.37, 0.43, 0.5][b] as number));

  it('a Stage 1 that gains 20 points at 16 clips evenly, removes the ramp and keeps single clips as they were, with a better Stage 2: every line met', () => {
    const stage1 = run((len) => (len === 1 ? 0.7 : 0.6));
    const lines = acceptanceLines({ sft, stage1, stage1Stage2Probe: stage2Probe(0.45), stage2Stage2Probe: stage2Probe(0.65), lengths: [1, 16], draws: 400 });
    expect(lines.map((l) => l.line)).toEqual(['long', 'gap', 'single', 'stage2']);
    expect(lines.map((l) => l.verdict)).toEqual(['met', 'met', 'met', 'met']);
    const l = byLine(lines);
    // The long line is the paired table's own number.
    expect(l.long?.value).toEqual(pairedGains(sft, stage1)?.['16']);
    expect(l.long?.measured).toMatch(/^\+\d+\.\d \[\+\d+\.\d, \+\d+\.\d\] \(n = 1200\)$/);
    expect(l.single?.measured).toMatch(/^\+0\.0 \[−\d+\.\d, \+\d+\.\d\] \(n = 300\)$/);
    expect(l.gap?.measured).toMatch(/→ .*change −/);
    expect(acceptanceSummary(lines)).toBe('4 of 4 lines met');
    // A gap change the caller already has is used as it is, not computed again.
    const given = { ...(l.gap?.value as PositionGapChange), change: -0.5, ci95: [-0.6, -0.4] as [number, number] };
    expect(byLine(acceptanceLines({ sft, stage1, lengths: [1, 16], gapChange: given })).gap?.value).toBe(given);
  });

  it('4 points at 16 clips, a 5-point single-clip loss, the ramp kept and Stage 2 no better: the lines fail or stay unresolved', () => {
    const stage1 = run((len, b) => (len === 1 ? 0.65 : ([0.3, 0.37, 0.43, 0.5][b] as number) + 0.04));
    const l = byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: stage2Probe(0.5), stage2Stage2Probe: stage2Probe(0.5), lengths: ['1', '4', '16'], draws: 400 }));
    expect(l.long?.verdict).toBe('not met');
    expect(l.single?.verdict).toBe('not met');
    expect(l.single?.asked).toBe('Stage 1 keeps one-clip accuracy within 2 points of SFT (no loss of more)');
    expect(l.gap?.verdict).toBe('unresolved');
    expect(l.gap?.note).toBe('the interval holds no change');
    expect(l.stage2?.verdict).toBe('unresolved');
  });

  it('a Stage 2 gain that is as large with every clip hidden is flagged as the answer prior; one the blind scores do not share is not', () => {
    const stage1 = run((len) => (len === 1 ? 0.7 : 0.45));
    const [s1, s2] = [stage2Probe(0.45), stage2Probe(0.65)];
    const flatBlind = stage2Probe(0.45);
    // Blind scores that move exactly as the seeing ones: the whole gain is the answer prior.
    const prior = byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: s1, stage2Stage2Probe: s2, lengths: [1, 16], draws: 200, blind: { stage1Stage2Probe: s1, stage2Stage2Probe: s2 } })).stage2;
    expect(prior?.verdict).toBe('met');
    expect(prior?.prior).toBe(true);
    expect(prior?.blind?.change).toEqual(pairedGains(s1, s2)?.full);
    expect(prior?.blind?.change.ci95[0]).toBeGreaterThan(0);
    expect(prior?.blind?.looking).toEqual({ n: 200, difference: 0, ci95: [0, 0] });
    expect(prior?.note).toMatch(/^with every clip hidden \+\d+\.\d \[\+\d+\.\d, \+\d+\.\d\]; the part that needs the clips \+0\.0 \[\+0\.0, \+0\.0\]: the answer prior, not the video; no same-form probe \(evaluations from before it\)/);
    // Blind scores that do not move: the gain needs the clips.
    const reading = byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: s1, stage2Stage2Probe: s2, lengths: [1, 16], draws: 200, blind: { stage1Stage2Probe: flatBlind, stage2Stage2Probe: flatBlind } })).stage2;
    expect(reading?.prior).toBe(false);
    expect(reading?.blind?.looking.difference).toBeCloseTo(pairedGains(s1, s2)?.full?.difference ?? NaN, 12);
    expect(reading?.blind?.looking.ci95[0]).toBeGreaterThan(0);
    expect(reading?.note).not.toMatch(/the answer prior, not the video/);
    // The long line reads SFT's and Stage 1's blind probe the same way.
    const stage1Long = run((len) => (len === 1 ? 0.7 : 0.6));
    const lines = acceptanceLines({ sft, stage1: stage1Long, stage1Stage2Probe: s1, stage2Stage2Probe: s2, lengths: [1, 16], draws: 200, blind: { sft, stage1: stage1Long, stage1Stage2Probe: s1, stage2Stage2Probe: s2 } });
    expect(byLine(lines).long?.prior).toBe(true);
    expect(byLine(lines).single?.blind).toBeUndefined();
    expect(acceptanceSummary(lines)).toMatch(/^\d of 4 lines met \(2 by the answer prior alone: as large with every clip hidden\)$/);
    // Without blind evaluations: nothing said.
    expect(byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: s1, stage2Stage2Probe: s2, lengths: [1, 16], draws: 200 })).stage2).toMatchObject({ blind: null, probe: 'honest' });
  });

  it('with the same-form Stage 2 probe, the Stage 2 line reads it: an honest-probe gain the same form does not share is not met, and says so', () => {
    const stage1 = run((len) => (len === 1 ? 0.7 : 0.45));
    // The honest probe rises 20 points (the prior learning to avoid "not seen"); the same-form probe stays at chance.
    const [h1, h2] = [stage2Probe(0.45), stage2Probe(0.65)];
    const flat = stage2Probe(0.5, 150);
    const l = byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: h1, stage2Stage2Probe: h2, stage1SameForm: flat, stage2SameForm: flat, lengths: [1, 16], draws: 200 })).stage2;
    expect(l?.probe).toBe('same-form');
    expect(l?.asked).toBe("Stage 2 improves the Stage 2 probe (full video, wrong answers of the correct answer's form) over Stage 1");
    expect(l?.verdict).toBe('unresolved');
    expect(l?.value).toEqual(pairedGains(flat, flat)?.full);
    expect(l?.measured).toMatch(/^\+0\.0 \[−0\.\d, \+0\.\d\] \(n = 150\)$/);
    expect(l?.note).toMatch(/with the honest wrong answers \("not seen"\), which the answer prior can pass: \+\d+\.\d \[\+/);
    // A same-form gain meets it, and its blind check reads the same-form blind scores.
    const up = byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: h1, stage2Stage2Probe: h1, stage1SameForm: h1, stage2SameForm: h2, lengths: [1, 16], draws: 200, blind: { stage1Stage2Probe: h1, stage2Stage2Probe: h2, stage1SameForm: h1, stage2SameForm: h1 } })).stage2;
    expect(up?.verdict).toBe('met');
    expect(up?.prior).toBe(false);
    expect(up?.blind?.change).toEqual(pairedGains(h1, h1)?.full);
    // Only one run with it: the honest probe, as before.
    expect(byLine(acceptanceLines({ sft, stage1, stage1Stage2Probe: h1, stage2Stage2Probe: h2, stage1SameForm: flat, lengths: [1, 16], draws: 200 })).stage2?.probe).toBe('honest');
  });

  it('an SFT without a gap beyond noise: the gap line is unresolved and says there is none to shrink', () => {
    const flat = run((len) => (len === 1 ? 0.7 : 0.4));
    const stage1 = run((len) => (len === 1 ? 0.7 : 0.45));
    const gap = byLine(acceptanceLines({ sft: flat, stage1, lengths: [1, 16], draws: 400 })).gap;
    expect(gap?.verdict).toBe('unresolved');
    expect(gap?.note).toMatch(/^SFT's gap is within noise \(shuffled positions reach \d+\.\d; p = \d\.\d\d\): there is no gap to shrink$/);
  });

  it('a point estimate at the threshold meets it, and the note says when the interval reaches the other side', () => {
    // Exactly +10 points at 16 clips (120 of 1 200 items more).
    const stage1 = run((len, b) => (len === 1 ? 0.7 : ([0.3, 0.37, 0.43, 0.5][b] as number) + 0.1));
    const long = byLine(acceptanceLines({ sft, stage1, lengths: [1, 16], draws: 200 })).long;
    const d = pairedGains(sft, stage1)?.['16'];
    expect(long?.verdict).toBe(d && d.difference >= 0.1 - 1e-12 ? 'met' : 'not met');
    expect(long?.note).toMatch(/the interval reaches (below )?10/);
  });

  it('no data, with the fix: no Stage 2 probe, no 16 clips, or evaluations of different items', () => {
    const stage1 = run((len) => (len === 1 ? 0.7 : 0.5));
    const oneClip = byLine(acceptanceLines({ sft, stage1, lengths: [1] }));
    expect(oneClip.long?.verdict).toBe('no data');
    expect(oneClip.gap?.verdict).toBe('no data');
    expect(oneClip.single?.verdict).toBe('met');
    expect(oneClip.stage2).toMatchObject({ verdict: 'no data', note: 'No Stage 2 probe: evaluate Stage 1 and Stage 2 on the held-out world.' });
    const other = perItem(probeItems(10), probeItems(10).map((i) => i.length), probeItems(10).map(() => true));
    const unpaired = acceptanceLines({ sft, stage1: other, stage1Stage2Probe: stage2Probe(0.5), stage2Stage2Probe: stage2Probe(0.5, 50), lengths: [1, 16] });
    for (const l of unpaired) expect(l.verdict).toBe('no data');
    expect(unpaired[0]?.note).toMatch(/^SFT and Stage 1 scored different probe items/);
    expect(unpaired[3]?.note).toMatch(/^Stage 1 and Stage 2 scored different Stage 2 probe items/);
    expect(acceptanceSummary(unpaired)).toBe('0 of 4 lines met (4 without data)');
  });
});

describe('acceptanceRun', () => {
  const runs = [
    { id: 'sft-a', stage: 'sft' },
    { id: 'stage1-plain', stage: 'stage1' },
    { id: 'sft-b', stage: 'sft' },
    { id: 'stage1-cut', stage: 'stage1', compositeClips: 4 },
    { id: 'stage2-a', stage: 'stage2' },
  ];
  it('the run picked, else the study\'s, else the last evaluated; for Stage 1 not a curriculum step unless there is no other', () => {
    expect(acceptanceRun(runs, 'sft')?.id).toBe('sft-b');
    expect(acceptanceRun(runs, 'sft', undefined, 'sft-a')?.id).toBe('sft-a');
    expect(acceptanceRun(runs, 'sft', 'sft-b', 'sft-a')?.id).toBe('sft-b');
    expect(acceptanceRun(runs, 'stage1')?.id).toBe('stage1-plain');
    expect(acceptanceRun(runs, 'stage1', 'stage1-cut')?.id).toBe('stage1-cut');
    expect(acceptanceRun(runs.filter((r) => r.id !== 'stage1-plain'), 'stage1')?.id).toBe('stage1-cut');
    // A picked or stored id of another stage, or gone, is not taken.
    expect(acceptanceRun(runs, 'stage2', 'sft-a', 'gone')?.id).toBe('stage2-a');
    expect(acceptanceRun([], 'stage2')).toBeUndefined();
  });
});
