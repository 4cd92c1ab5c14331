// `longvpo train` (issue #12, docs/training.md) as a user runs it: the built bundle in a child
// Node process on the small demo world. SFT, then Stage 1 DPO paused halfway and resumed: its
// metrics must equal an uninterrupted run's (1e-3 relative); bad input exits 1 and writes nothing.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../src/core/train/checkpointFile';
import { parseSftJsonl } from '../src/core/train/sftData';
import { parseTriples } from '../src/core/triples/import';
import { loadTrainData } from '../src/cli/trainData';

const ROOT = resolve(__dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'longvpo-train-test-'));
const BUILD = join(ROOT, 'node_modules', '.cache', `longvpo-train-test-${process.pid}`);
const CLI = join(BUILD, 'longvpo.mjs');

function run(args: string[], script = CLI): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [script, ...args], { cwd: work, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}

const readLines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');

const metrics = (run: string): Record<string, number>[] =>
  readFileSync(join(work, run, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, number>);

beforeAll(async () => {
  const built = await run(['build', '--config', join(ROOT, 'vite.cli.config.ts'), '--outDir', BUILD, '--logLevel', 'warn'], join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'));
  expect(built.stderr + built.stdout).not.toMatch(/error/i);
  const demo = await run(['demo', '--size', 'small', '--seed', '7', '--count', '40', '--stage2-count', '0', '--out', 'data', '--quiet']);
  expect(demo.stderr).toBe('');
  expect(demo.code).toBe(0);
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(BUILD, { recursive: true, force: true });
});

describe('longvpo demo writes SFT data', () => {
  it('sft.jsonl: single-clip questions on clips that anchor no Stage 1 triple', () => {
    const sft = parseSftJsonl(readFileSync(join(work, 'data', 'sft.jsonl'), 'utf8'));
    expect(sft.ok).toBe(true);
    if (!sft.ok) return;
    expect(sft.samples.length).toBeGreaterThan(20);
    const triples = parseTriples(readFileSync(join(work, 'data', 'triples.jsonl'), 'utf8'));
    if (!triples.ok) throw new Error('demo triples must parse');
    const anchors = new Set(triples.triples.filter((t) => t.stage === 1).map((t) => t.video[t.anchor_index as number]));
    expect(anchors.size).toBeGreaterThan(3);
    for (const s of sft.samples) expect(anchors.has(s.clips[0] as string)).toBe(false);
  });
});

describe('longvpo train', () => {
  it('SFT writes TRL-named metrics per step, checkpoints every N steps, and a readable safetensors file', async () => {
    const r = await run(['train', '--data', 'data', '--stage', 'sft', '--steps', '20', '--checkpoint-every', '10', '--out', 'sft', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = metrics('sft');
    expect(m.map((x) => x.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const key of ['loss', 'grad_norm', 'learning_rate', 'epoch', 'mean_token_accuracy', 'step_time_s', 'tokens_per_s']) expect(typeof m[0]?.[key]).toBe('number');
    expect(m.at(-1)!.loss as number).toBeLessThan(m[0]!.loss as number);
    expect(existsSync(join(work, 'sft', 'checkpoints', 'step-000010.safetensors'))).toBe(true);
    const bytes = new Uint8Array(readFileSync(join(work, 'sft', 'checkpoints', 'step-000020.safetensors')));
    // The safetensors layout Python reads: u64 LE header length, then a JSON header.
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; shape: number[] }>;
    expect(header['lm_head.weight']?.dtype).toBe('F32');
    expect(decodeCheckpoint(bytes).meta.step).toBe(20);
  }, 120_000);

  it('Stage 1 paused after 3 steps and resumed gives the metrics of an uninterrupted run', async () => {
    const common = ['--data', 'data', '--stage', '1', '--init', 'sft', '--steps', '6', '--batch', '4', '--checkpoint-every', '2', '--quiet'];
    const paused = await run(['train', ...common, '--out', 's1-paused', '--pause-after', '3']);
    expect(paused.code).toBe(0);
    expect(metrics('s1-paused')).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(work, 's1-paused', 'checkpoint.json'), 'utf8'))).toMatchObject({ step: 3 });
    const resumed = await run(['train', '--resume', 's1-paused', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const straight = await run(['train', ...common, '--out', 's1-straight']);
    expect(straight.code).toBe(0);
    const a = metrics('s1-paused');
    const b = metrics('s1-straight');
    expect(a.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const key of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected', 'grad_norm', 'learning_rate']) {
      b.forEach((m, i) => expect(Math.abs((a[i]![key] as number) - (m[key] as number))).toBeLessThanOrEqual(1e-3 * Math.abs(m[key] as number) + 1e-7));
    }
    // The reference log-probs were computed once and cached in the run folder.
    expect(Object.keys(JSON.parse(readFileSync(join(work, 's1-paused', 'ref_logps.json'), 'utf8')) as object)).toHaveLength(1);
  }, 180_000);

  it.each([
    [['--data', 'nowhere', '--stage', 'sft', '--out', 'bad1'], /data folder nowhere does not exist/, 'bad1'],
    [['--data', 'data', '--stage', '1', '--out', 'bad2'], /needs --init RUN/, 'bad2'],
    [['--data', 'data', '--stage', '1', '--init', 'no-such-run', '--out', 'bad3'], /no-such-run has no checkpoint/, 'bad3'],
    [['--data', 'data', '--stage', 'sft', '--init', 'sft', '--out', 'bad4'], /SFT starts from a fresh model/, 'bad4'],
    [['--data', 'data', '--stage', '1', '--init', 'sft', '--layout', 'question-twice', '--out', 'bad5'], /--layout shapes a new SFT model; Stage 1 and 2 keep their initial checkpoint's layout/, 'bad5'],
    [['--data', 'data', '--stage', '1', '--init', 'sft', '--replay', '1', '--out', 'bad6'], /--replay mixes Stage 1 pairs into Stage 2 training/, 'bad6'],
    [['--data', 'data', '--stage', '2', '--init', 'sft', '--composite-clips', '2', '--out', 'bad7'], /--composite-clips cuts Stage 1 composites/, 'bad7'],
    [['--data', 'data', '--stage', '1', '--init', 'sft', '--composite-clips', '0', '--out', 'bad8'], /--composite-clips/, 'bad8'],
    [['--resume', 'sft', '--stage', '1'], /--resume continues a run as it was configured/, null],
    [['--resume', 'sft', '--composite-clips', '2'], /--resume continues a run as it was configured/, null],
    [['--data', 'data', '--stage', '1', '--init', 'sft', '--keep-slots', '--out', 'bad9'], /--keep-slots spreads the clips --composite-clips keeps/, 'bad9'],
    [['--data', 'data', '--stage', '2', '--init', 'sft', '--single-clip', '0.5', '--out', 'bad10'], /--single-clip adds Stage 1 pairs with the anchor alone/, 'bad10'],
    [['--data', 'data', '--stage', '1', '--init', 'sft', '--single-clip', '2', '--out', 'bad11'], /--single-clip/, 'bad11'],
    [['--data', 'data', '--stage', '1', '--init', 'sft', '--cited-only', '--out', 'bad12'], /--cited-only cuts Stage 2 pairs to the scenes their queries cite/, 'bad12'],
    [['--resume', 'sft', '--cited-only'], /--resume continues a run as it was configured/, null],
  ])('%j exits 1 with a clear error and writes nothing', async (args, message, out) => {
    const r = await run(['train', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.(mjs|ts):\d+/); // no stack trace
    if (out) expect(existsSync(join(work, out))).toBe(false);
  });
});

describe('longvpo reproduce', () => {
  it('runs the whole study (quick, small world), writes the comparison, and keeps finished steps on a rerun', async () => {
    const first = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--out', 'study', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const comparison = JSON.parse(readFileSync(join(work, 'study', 'comparison.json'), 'utf8')) as { held_out_seed: number; runs: Record<string, { by_length: Record<string, number>; data: { world_seed: number } }> };
    expect(comparison.held_out_seed).toBe(1007);
    expect(Object.keys(comparison.runs)).toEqual(['sft', 'stage1', 'stage2']);
    for (const r of Object.values(comparison.runs)) {
      expect(Object.keys(r.by_length)).toEqual(['1', '4']);
      expect(r.data.world_seed).toBe(1007); // evaluated on the held-out world only
    }
    expect(first.stdout).toMatch(/\| sft \| [\d.]+ \[/);
    // The acceptance, line by line: the long line at the longest length asked (4 here), its number
    // the paired gain's; every line has data (the Stage 2 probe too), and the table prints them.
    const { acceptance } = comparison as unknown as { acceptance: { line: string; verdict: string; value: { difference?: number } | null; blind?: { change: { n: number }; looking: { n: number } } | null; prior?: boolean }[] };
    expect(acceptance.map((a) => a.line)).toEqual(['long', 'gap', 'single', 'stage2']);
    for (const a of acceptance) expect(['met', 'unresolved', 'not met']).toContain(a.verdict);
    expect(first.stdout).toMatch(/The acceptance, line by line \(\d of 4 lines met( \(\d by the answer prior alone: as large with every clip hidden\))?\):\n- (met|unresolved|not met): Stage 1 raises SFT's accuracy at 4 clips by ≥ 10 points: [+−]\d+\.\d \[/);
    // The study's blind evaluations reach the long and Stage 2 lines: the change with every clip
    // hidden and the part that needs the clips, on the same items.
    const [longLine, , , stage2Line] = acceptance;
    expect(longLine?.blind?.change.n).toBe((comparison as unknown as { runs: { sft: { n: Record<string, number> } } }).runs.sft.n['4']);
    expect(longLine?.blind?.looking.n).toBe(longLine?.blind?.change.n);
    expect(typeof longLine?.prior).toBe('boolean');
    expect(stage2Line?.blind?.looking.n).toBeGreaterThan(0);
    // The Stage 2 probe is scored per token too, over the same questions as the summed score.
    type S2 = { full: { n: number; correct: number; accuracy: number }; length_normalised?: Record<'full' | 'cited', { n: number; correct: number; accuracy: number }> };
    const s2 = (comparison as unknown as { runs: Record<string, { stage2: S2 }> }).runs.stage2!.stage2;
    expect(s2.length_normalised?.full.n).toBe(s2.full.n);
    expect(s2.length_normalised?.cited.n).toBe(s2.full.n);
    expect(s2.length_normalised!.full.accuracy).toBeCloseTo(s2.length_normalised!.full.correct / s2.full.n, 9);
    // The Stage 2 line reads the same-form probe (wrong answers of the correct answer's form), every
    // run has it on the same queries, and the honest probe's change is in its note.
    expect(first.stdout).toMatch(/Stage 2 improves the Stage 2 probe \(full video, wrong answers of the correct answer's form\) over Stage 1: .*with every clip hidden [+−]\d+\.\d \[.*with the honest wrong answers/);
    expect((stage2Line as { probe?: string }).probe).toBe('same-form');
    type SameForm = { full: { n: number }; per_item: { fingerprint: string } };
    const same = Object.values((comparison as unknown as { runs: Record<string, { stage2_same_form: SameForm }> }).runs).map((r) => r.stage2_same_form);
    expect(same[0]!.full.n).toBeGreaterThan(0);
    expect(new Set(same.map((x) => x.per_item.fingerprint)).size).toBe(1);
    expect(first.stdout).toMatch(/^Same-form Stage 2 probe, Stage 2 − Stage 1: full video [+−]\d+\.\d \[/m);
    expect(first.stdout).toMatch(/^Same-form Stage 2 probe, looking at the video, stage2 \(seeing − blind\): full video [+−]\d+\.\d \[/m);
    // The gain of Stage 1 over SFT is paired on the same items: its n is the length's n, and its
    // difference is the difference of the two accuracies.
    const full = comparison as unknown as { runs: Record<string, { by_length: Record<string, number>; n: Record<string, number>; per_item: { correct: string; group: number[] } }>; gains: { stage1_vs_sft: Record<string, { n: number; difference: number; ci95: [number, number]; p: number }> } };
    for (const l of ['1', '4']) {
      const g = full.gains.stage1_vs_sft[l]!;
      expect(g.n).toBe(full.runs.sft!.n[l]);
      if (l === '4') expect(acceptance[0]?.value?.difference).toBe(g.difference);
      expect(g.difference).toBeCloseTo(full.runs.stage1!.by_length[l]! - full.runs.sft!.by_length[l]!, 9);
      expect(g.ci95[0]).toBeLessThanOrEqual(g.difference);
      expect(g.ci95[1]).toBeGreaterThanOrEqual(g.difference);
    }
    expect(full.runs.sft!.per_item.correct).toMatch(/^[01]+$/);
    expect(full.runs.sft!.per_item.group.length).toBe(full.runs.sft!.per_item.correct.length);
    expect(first.stdout).toMatch(/Stage 1 − SFT, paired on the same items .*1 clip [+−]\d+\.\d \[/);
    // Every run is also scored blind (clip vectors zeroed) on the same items: what looking adds.
    const blind = comparison as unknown as { blind: Record<string, { by_length: Record<string, number> }>; gains: { looking: Record<string, Record<string, { n: number; difference: number }>>; stage1_vs_sft_blind: Record<string, { difference: number }> } };
    expect(Object.keys(blind.blind)).toEqual(['sft', 'stage1', 'stage2']);
    for (const r of ['sft', 'stage1', 'stage2'])
      for (const l of ['1', '4']) {
        expect(blind.gains.looking[r]![l]!.n).toBe(full.runs[r]!.n[l]);
        expect(blind.gains.looking[r]![l]!.difference).toBeCloseTo(full.runs[r]!.by_length[l]! - blind.blind[r]!.by_length[l]!, 9);
      }
    expect(blind.gains.stage1_vs_sft_blind['4']!.difference).toBeCloseTo(blind.blind.stage1!.by_length['4']! - blind.blind.sft!.by_length['4']!, 9);
    expect(first.stdout).toMatch(/Looking at the clips, sft \(seeing − blind\): 1 clip [+−]\d+\.\d \[/);
    // And with only the anchor hidden: what reading the anchor adds. At one clip the anchor is the
    // whole input, so that probe is the blind one, item for item.
    const hid = comparison as unknown as { anchor_hidden: Record<string, { by_length: Record<string, number>; per_item: { correct: string; group: number[] } }>; blind: Record<string, { per_item: { correct: string; group: number[] } }>; gains: { reading: Record<string, Record<string, { n: number; difference: number }>>; stage1_vs_sft_anchor_hidden: Record<string, { difference: number }> } };
    expect(Object.keys(hid.anchor_hidden)).toEqual(['sft', 'stage1', 'stage2']);
    for (const r of ['sft', 'stage1', 'stage2']) {
      for (const l of ['1', '4']) expect(hid.gains.reading[r]![l]!.difference).toBeCloseTo(full.runs[r]!.by_length[l]! - hid.anchor_hidden[r]!.by_length[l]!, 9);
      const oneClip = (p: { correct: string; group: number[] }): string => [...p.correct].filter((_, i) => p.group[i] === 1).join('');
      expect(oneClip(hid.anchor_hidden[r]!.per_item)).toBe(oneClip(hid.blind[r]!.per_item));
    }
    expect(hid.gains.stage1_vs_sft_anchor_hidden['4']!.difference).toBeCloseTo(hid.anchor_hidden.stage1!.by_length['4']! - hid.anchor_hidden.sft!.by_length['4']!, 9);
    expect(first.stdout).toMatch(/Reading the anchor, stage1 \(seeing − anchor hidden\): 1 clip [+−]\d+\.\d \[/);
    expect(first.stdout).toMatch(/\| stage1, anchor hidden \| [\d.]+ \|/);
    // The memorisation check: SFT's one-clip probe on its own training world (seed 7), seeing and blind.
    const own = JSON.parse(readFileSync(join(work, 'study', 'runs', 'sft', 'eval-train-world.json'), 'utf8')) as { by_length: Record<string, number>; data: { world_seed: number } };
    const ownBlind = JSON.parse(readFileSync(join(work, 'study', 'runs', 'sft', 'eval-train-world-blind.json'), 'utf8')) as { by_length: Record<string, number> };
    expect(own.data.world_seed).toBe(7);
    expect(Object.keys(own.by_length)).toEqual(['1']);
    const memo = (comparison as unknown as { gains: { memorisation: { training_world: { difference: number } } } }).gains.memorisation;
    expect(memo.training_world.difference).toBeCloseTo(own.by_length['1']! - ownBlind.by_length['1']!, 9);
    expect(first.stdout).toMatch(/SFT looking at one clip \(seeing − blind\): on its training world [+−]\d+\.\d \[.*; on the held-out world [+−]\d+\.\d \[/);
    // The best − worst position gap at the longest length (4 here), per run and as a paired change.
    type Gap = { length: number; accuracy: number[]; gap: number; noise95: number; p: number };
    const pg = (comparison as unknown as { gains: { position_gap: { length: number; by_run: Record<string, Gap>; stage1_vs_sft: { first: Gap; second: Gap; change: number; ci95: [number, number] } } } }).gains.position_gap;
    expect(pg.length).toBe(4);
    const acc4 = (comparison as unknown as { runs: Record<string, { by_length_position: Record<string, number[]> }> }).runs;
    for (const r of ['sft', 'stage1', 'stage2']) {
      expect(pg.by_run[r]!.accuracy).toEqual(acc4[r]!.by_length_position['4']);
      expect(pg.by_run[r]!.gap).toBeCloseTo(Math.max(...acc4[r]!.by_length_position['4']!) - Math.min(...acc4[r]!.by_length_position['4']!), 12);
    }
    expect(pg.stage1_vs_sft.change).toBeCloseTo(pg.by_run.stage1!.gap - pg.by_run.sft!.gap, 12);
    expect(first.stdout).toMatch(/Position gap, Stage 1 − SFT, paired \[95% CI, questions resampled\]: \d+\.\d → \d+\.\d, change [+−]\d+\.\d \[[+−]\d+\.\d, [+−]\d+\.\d\]/);
    const again = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--out', 'study']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/train stage1 \(Stage 1 DPO\) — already done, kept/);
    expect(again.stderr).toMatch(/evaluate stage2 blind \(clip vectors zeroed\) — already done, kept/);
    expect(first.stderr).toMatch(/train sft \(SFT\)…/);
    expect(again.stderr).not.toMatch(/train sft \(SFT\)…/);
    expect(again.stderr).toMatch(/evaluate sft on its training world blind — already done, kept/);
    expect(again.stderr).toMatch(/evaluate stage1 with the anchor hidden — already done, kept/);
    expect((JSON.parse(readFileSync(join(work, 'study', 'comparison.json'), 'utf8')) as { stage1_clips: number }).stage1_clips).toBe(8);
    // Longer Stage 1 composites are other training data: the kept world is refused by name, not reused.
    const longer = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--frame-budget', '512', '--out', 'study']);
    expect(longer.code).toBe(1);
    expect(longer.stderr).toMatch(/holds a demo world of Stage 1 composites of 8 clips, but this study asks for 16 \(--frame-budget 512\)/);
    expect(existsSync(join(work, 'study', 'runs', 'stage1', 'done'))).toBe(true);
  }, 300_000);

  it('--single-clip: a Stage 1 trained without the share is refused by name; a fresh Stage 1 trains half its pairs once more with the anchor alone, and records the share', async () => {
    const refused = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--single-clip', '0.5', '--out', 'study']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/runs\/stage1 was trained with singleClip 0, but this study's recipe asks for 0\.5/);
    expect(existsSync(join(work, 'study', 'runs', 'stage1', 'done'))).toBe(true);
    const outOfRange = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--single-clip', '2', '--out', 'study']);
    expect(outOfRange.code).toBe(1);
    expect(outOfRange.stderr).toMatch(/single-clip/);
    // The study's worlds and SFT copied (as docs/results.md copies them), its DPO runs left out: those train with the share.
    const from = join(work, 'study');
    cpSync(from, join(work, 'study-single'), { recursive: true, filter: (src) => !/runs[\\/]stage[12]$/.test(src) && !src.endsWith('comparison.json') });
    const sftConfig = join(work, 'study-single', 'runs', 'sft', 'config.json');
    const config = JSON.parse(readFileSync(sftConfig, 'utf8')) as { data: string };
    writeFileSync(sftConfig, JSON.stringify({ ...config, data: config.data.replace(/study([\\/]data)$/, 'study-single$1') }));
    const r = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--single-clip', '0.5', '--out', 'study-single']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/train sft \(SFT\) — already done, kept/);
    expect(r.stderr).toMatch(/train stage1 \(Stage 1 DPO, 50% of its pairs also with the anchor alone\)…/);
    const stage1 = JSON.parse(readFileSync(join(work, 'study-single', 'runs', 'stage1', 'config.json'), 'utf8')) as { config: { singleClip?: number } };
    expect(stage1.config.singleClip).toBe(0.5);
    const [, total, single] = /stage1: (\d+) samples \((\d+) of them with the anchor alone\)/.exec(r.stderr) ?? [];
    expect(Number(single)).toBeGreaterThan(0);
    expect(Number(single)).toBe(Math.round((Number(total) - Number(single)) / 2));
    const comparison = JSON.parse(readFileSync(join(work, 'study-single', 'comparison.json'), 'utf8')) as { single_clip: number; runs: Record<string, unknown> };
    expect(comparison.single_clip).toBe(0.5);
    expect(Object.keys(comparison.runs)).toEqual(['sft', 'stage1', 'stage2']);
    expect((JSON.parse(readFileSync(join(from, 'comparison.json'), 'utf8')) as { single_clip: number }).single_clip).toBe(0);
  }, 300_000);

  it('--cited-step: a finished study without it is refused before any training; with Stage 2 gone, the step trains between Stage 1 and Stage 2, which starts from it', async () => {
    const refused = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--cited-step', '--out', 'study']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/runs\/stage2 was started from .*, but this study's recipe starts it from .*runs\/stage2-cited, which is not trained yet/);
    expect(refused.stderr).toMatch(/delete .*runs\/stage2 to train it again/);
    expect(existsSync(join(work, 'study', 'runs', 'stage2-cited'))).toBe(false);
    // The study copied without its Stage 2 (as the single-clip test copies it).
    cpSync(join(work, 'study'), join(work, 'study-cited'), { recursive: true, filter: (src) => !/runs[\\/]stage2$/.test(src) && !src.endsWith('comparison.json') });
    for (const r of ['sft', 'stage1']) {
      const file = join(work, 'study-cited', 'runs', r, 'config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as { data: string };
      writeFileSync(file, JSON.stringify({ ...config, data: config.data.replace(/study([\\/]data)$/, 'study-cited$1') }));
    }
    const r = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--lengths', '1,4', '--cited-step', '--out', 'study-cited']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/train stage1 \(Stage 1 DPO\) — already done, kept/);
    expect(r.stderr).toMatch(/train stage2-cited \(supervised on the cited scenes\)…/);
    type Config = { run_id: string; init: string; config: { citedOnly?: boolean; beta: number; lr: number; epochs: number; replay?: number } };
    const config = (name: string) => JSON.parse(readFileSync(join(work, 'study-cited', 'runs', name, 'config.json'), 'utf8')) as Config;
    expect(config('stage2-cited').config).toMatchObject({ citedOnly: true, beta: 1e-4, lr: 1e-3, epochs: 1, replay: 1 });
    expect(config('stage2-cited').init.startsWith(`${config('stage1').run_id}@`)).toBe(true);
    expect(config('stage2').init.startsWith(`${config('stage2-cited').run_id}@`)).toBe(true);
    expect(config('stage2').config.citedOnly).toBeUndefined();
    const comparison = JSON.parse(readFileSync(join(work, 'study-cited', 'comparison.json'), 'utf8')) as { cited_step: boolean; runs: Record<string, unknown>; gains: { vs_stage1_same_form: Record<string, unknown> } };
    expect(comparison.cited_step).toBe(true);
    expect(Object.keys(comparison.runs)).toEqual(['sft', 'stage1', 'stage2-cited', 'stage2']);
    expect(Object.keys(comparison.gains.vs_stage1_same_form)).toEqual(['stage2-cited', 'stage2']);
    expect(r.stdout).toMatch(/^Same-form Stage 2 probe, the cited-scenes step − Stage 1: full video [+−]\d+\.\d \[/m);
    expect(r.stdout).toMatch(/^\| stage2-cited \| /m);
  }, 300_000);

  it('train --stage 2 --replay 1: Stage 1 pairs join the Stage 2 data (as many, at most all), recorded, and a resumed run draws the same ones', async () => {
    const triples = parseTriples(readFileSync(join(work, 'study', 'data', 'triples.jsonl'), 'utf8'));
    if (!triples.ok) throw new Error('study triples must parse');
    const n2 = triples.triples.filter((t) => t.stage === 2).length;
    const n1 = triples.triples.filter((t) => t.stage === 1).length;
    expect(n2).toBeGreaterThan(0);
    // Its own copy of the data, changed below; reference log-probs cached (the default).
    cpSync(join(work, 'study', 'data'), join(work, 'replay-data'), { recursive: true });
    const common = ['--data', 'replay-data', '--stage', '2', '--init', join('study', 'runs', 'stage1'), '--replay', '1', '--steps', '4', '--batch', '4', '--checkpoint-every', '2'];
    const paused = await run(['train', ...common, '--out', 's2-replay', '--pause-after', '2']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stderr).toMatch(new RegExp(`stage2: ${n2 + Math.min(n1, n2)} samples \\(${Math.min(n1, n2)} of them Stage 1 replay\\)`));
    expect((JSON.parse(readFileSync(join(work, 's2-replay', 'config.json'), 'utf8')) as { config: { replay: number } }).config.replay).toBe(1);
    cpSync(join(work, 's2-replay'), join(work, 's2-replay-later'), { recursive: true });
    expect((await run(['train', '--resume', 's2-replay', '--replay', '2'])).stderr).toMatch(/--resume continues a run as it was configured/);
    expect((await run(['train', '--resume', 's2-replay', '--quiet'])).code).toBe(0);
    const straight = await run(['train', ...common, '--out', 's2-replay-straight', '--quiet']);
    expect(straight.code, straight.stderr).toBe(0);
    const ckpt = decodeCheckpoint(new Uint8Array(readFileSync(join(work, 's2-replay', 'checkpoints', 'step-000004.safetensors'))));
    expect(ckpt.meta.data.samples).toBe(n2 + Math.min(n1, n2));
    expect(ckpt.meta.config.replay).toBe(1);
    const a = metrics('s2-replay');
    const b = metrics('s2-replay-straight');
    expect(a.map((x) => x.step)).toEqual([1, 2, 3, 4]);
    for (const key of ['loss', 'rewards/margins', 'logps/chosen', 'grad_norm']) b.forEach((m, i) => expect(Math.abs((a[i]![key] as number) - (m[key] as number))).toBeLessThanOrEqual(1e-3 * Math.abs(m[key] as number) + 1e-7));
    // One Stage 1 triple more in the folder: the same number of pairs, another replay draw. Refused.
    const lines = readLines(join(work, 'replay-data', 'triples.jsonl'));
    const extra = JSON.parse(lines.find((l) => (JSON.parse(l) as { stage: number }).stage === 1) as string) as { id: string };
    writeFileSync(join(work, 'replay-data', 'triples.jsonl'), [...lines, JSON.stringify({ ...extra, id: `${extra.id}-again` })].join('\n') + '\n');
    const later = await run(['train', '--resume', 's2-replay-later']);
    expect(later.code).toBe(1);
    expect(later.stderr).toMatch(/trained on other triples than this data has/);
  }, 180_000);

  it('train --stage 2 --cited-only: each Stage 2 pair trains on the scenes it cites alone, replay pairs as they are, and the run records it', async () => {
    const triples = parseTriples(readFileSync(join(work, 'study', 'data', 'triples.jsonl'), 'utf8'));
    if (!triples.ok) throw new Error('study triples must parse');
    const stage2 = triples.triples.filter((t) => t.stage === 2);
    const n1 = triples.triples.filter((t) => t.stage === 1).length;
    const r = await run(['train', '--data', join('study', 'data'), '--stage', '2', '--init', join('study', 'runs', 'stage1'), '--cited-only', '--beta', '1e-4', '--replay', '1', '--steps', '2', '--batch', '4', '--out', 's2-cited']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`stage2: ${stage2.length + Math.min(n1, stage2.length)} samples \\(${Math.min(n1, stage2.length)} of them Stage 1 replay\\) \\(${stage2.length} Stage 2 pairs with their cited scenes alone\\)`));
    expect((JSON.parse(readFileSync(join(work, 's2-cited', 'config.json'), 'utf8')) as { config: { citedOnly?: boolean } }).config.citedOnly).toBe(true);
    // The reference log-probs were scored for the cut pairs (their own ids) and the replay pairs.
    const byReference = Object.values(JSON.parse(readFileSync(join(work, 's2-cited', 'ref_logps.json'), 'utf8')) as Record<string, Record<string, unknown>>);
    expect(byReference).toHaveLength(1);
    // Keyed by each pair's id and a hash of its content.
    const cached = Object.keys(byReference[0] ?? {}).map((key) => key.slice(0, key.lastIndexOf('#')));
    expect(cached.filter((id) => id.endsWith('#cited')).sort()).toEqual(stage2.map((t) => `${t.id}#cited`).sort());
    expect(cached.filter((id) => !id.endsWith('#cited'))).toHaveLength(Math.min(n1, stage2.length));
  }, 120_000);

  it('--train-worlds 2: a second world (seed + 1) is made and merged into DIR/train, which every stage trains on', async () => {
    // The first world and the held-out world are the study's above (copied, not remade).
    for (const d of ['data', 'heldout']) cpSync(join(work, 'study', d), join(work, 'study2', d), { recursive: true });
    const r = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--train-worlds', '2', '--lengths', '1', '--probe-anchors', '5', '--out', 'study2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training world \(seed 7\) — already done, kept/);
    expect(r.stderr).toMatch(/training world 2 of 2 \(seed 8\)…/);
    const merged = JSON.parse(readFileSync(join(work, 'study2', 'train', 'report.json'), 'utf8')) as { command: string; sources: { seed: number; lines: Record<string, number> }[]; lines: Record<string, number> };
    expect(merged.command).toBe('merge');
    expect(merged.sources.map((s) => s.seed)).toEqual([7, 8]);
    for (const f of ['clips.jsonl', 'sft.jsonl', 'triples.jsonl']) {
      expect(merged.sources[1]!.lines[f], f).toBeGreaterThan(0);
      expect(merged.lines[f]).toBe(merged.sources[0]!.lines[f]! + merged.sources[1]!.lines[f]!);
      expect(readLines(join(work, 'study2', 'train', f)).length).toBe(merged.lines[f]);
    }
    for (const stage of ['sft', 'stage1', 'stage2']) expect((JSON.parse(readFileSync(join(work, 'study2', 'runs', stage, 'config.json'), 'utf8')) as { data: string }).data).toBe(join('study2', 'train'));
    const comparison = JSON.parse(readFileSync(join(work, 'study2', 'comparison.json'), 'utf8')) as { training_seeds: number[]; held_out_seed: number };
    expect(comparison.training_seeds).toEqual([7, 8]);
    expect(comparison.held_out_seed).toBe(1007);
    // --probe-anchors sizes every evaluation of the study, the training-world check included.
    expect((comparison as unknown as { probe_anchors: number }).probe_anchors).toBe(5);
    for (const f of ['eval.json', 'eval-blind.json', 'eval-train-world.json']) expect((JSON.parse(readFileSync(join(work, 'study2', 'runs', 'sft', f), 'utf8')) as { probe: { settings: { maxAnchors: number } } }).probe.settings.maxAnchors, f).toBe(5);
  }, 300_000);

  it('--recipe curriculum: SFT (question twice) → 2- and 4-clip supervised steps → Stage 1 → Stage 2 with replay, each from the one before', async () => {
    for (const d of ['data', 'heldout']) cpSync(join(work, 'study', d), join(work, 'study-cur', d), { recursive: true });
    const r = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--recipe', 'curriculum', '--lengths', '1', '--out', 'study-cur']);
    expect(r.code, r.stderr).toBe(0);
    const config = (name: string) => JSON.parse(readFileSync(join(work, 'study-cur', 'runs', name, 'config.json'), 'utf8')) as { run_id: string; init: string | null; model: { layout?: string }; config: { compositeClips?: number; beta: number; lr: number; replay?: number } };
    const step = (name: string) => (JSON.parse(readFileSync(join(work, 'study-cur', 'runs', name, 'checkpoint.json'), 'utf8')) as { step: number }).step;
    const names = ['sft', 'curriculum-2', 'curriculum-4', 'stage1', 'stage2'];
    names.slice(1).forEach((name, i) => expect(config(name).init, name).toBe(`${config(names[i]!).run_id}@${String(step(names[i]!)).padStart(6, '0')}`));
    expect(config('sft').model.layout).toBe('question-twice');
    expect(config('curriculum-2').config).toMatchObject({ compositeClips: 2, beta: 1e-4, lr: 1e-3 });
    expect(config('curriculum-4').config).toMatchObject({ compositeClips: 4, beta: 1e-4 });
    expect(config('stage1').config).toMatchObject({ lr: 2e-4, beta: 0.1 });
    expect(config('stage1').config.compositeClips).toBeUndefined();
    expect(config('stage2').config.replay).toBe(1);
    expect(r.stderr).toMatch(/train curriculum-2 \(supervised on 2-clip composites\)…/);
    const comparison = JSON.parse(readFileSync(join(work, 'study-cur', 'comparison.json'), 'utf8')) as { recipe: string; layout: string; runs: Record<string, unknown>; gains: { vs_sft: Record<string, Record<string, { n: number }>> } };
    expect(comparison).toMatchObject({ recipe: 'curriculum', layout: 'question-twice' });
    expect(Object.keys(comparison.runs)).toEqual(names);
    expect(Object.keys(comparison.gains.vs_sft)).toEqual(names.slice(1));
    expect(r.stdout).toMatch(/curriculum-4 \(supervised on 4-clip composites\) − SFT: 1 clip [+−]\d+\.\d \[/);
    // The curriculum's data: every Stage 1 composite cut to K clips, the anchor kept.
    const full = await loadTrainData(join(work, 'study', 'data'), { stage: 'stage1', seed: 1 }, { quiet: true });
    const cut = await loadTrainData(join(work, 'study', 'data'), { stage: 'stage1', seed: 1, compositeClips: 2 }, { quiet: true });
    expect(cut.pairs.map((p) => p.id)).toEqual(full.pairs.map((p) => p.id));
    expect(full.pairs.some((p) => p.clips.length > 2)).toBe(true);
    cut.pairs.forEach((p, i) => {
      expect(p.clips.length).toBe(Math.min(2, full.pairs[i]!.clips.length));
      expect(p.anchorClips).toEqual(full.pairs[i]!.anchorClips);
      expect(p.clips).toContain(p.anchorClips[0]);
    });
    // The paper's recipe on this folder would keep the curriculum's Stage 1 as its own: refused, nothing lost.
    const other = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--recipe', 'paper', '--layout', 'question-twice', '--lengths', '1', '--out', 'study-cur']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/runs\/stage1 was trained with lr 0\.0002, but this study's recipe asks for 0\.001/);
    expect(existsSync(join(work, 'study-cur', 'runs', 'curriculum-2', 'done'))).toBe(true);
    // The spread recipe keeps every slot of the composites: the kept cut steps are refused too.
    const spread = await run(['reproduce', '--size', 'small', '--quick', '--seed', '7', '--recipe', 'spread', '--lengths', '1', '--out', 'study-cur']);
    expect(spread.code).toBe(1);
    expect(spread.stderr).toMatch(/runs\/curriculum-2 was trained with keepSlots false, but this study's recipe asks for true/);
    // Its data: the same pairs, every composite as long as before, two distinct clips in it.
    const kept = await loadTrainData(join(work, 'study', 'data'), { stage: 'stage1', seed: 1, compositeClips: 2, keepSlots: true }, { quiet: true });
    kept.pairs.forEach((p, i) => {
      expect(p.clips.length).toBe(full.pairs[i]!.clips.length);
      expect(new Set(p.clips).size).toBe(Math.min(2, full.pairs[i]!.clips.length));
      expect(p.anchorClips).toEqual(full.pairs[i]!.anchorClips);
    });
    // Single-clip pairs: half the pairs once more with the anchor alone.
    const single = await loadTrainData(join(work, 'study', 'data'), { stage: 'stage1', seed: 1, singleClip: 0.5 }, { quiet: true });
    expect(single.pairs.slice(0, full.pairs.length)).toEqual(full.pairs);
    const added = single.pairs.slice(full.pairs.length);
    expect(added).toHaveLength(Math.round(0.5 * full.pairs.length));
    for (const p of added) expect(p.clips).toEqual(p.anchorClips);
  }, 300_000);

  it('ablate: each variant copies the study\'s Stage 1 run but for one thing, evaluated on its held-out world; reruns keep them', async () => {
    const reproduced = readFileSync(join(work, 'study', 'runs', 'stage1', 'eval.json'), 'utf8');
    const first = await run(['ablate', '--study', 'study', '--quick', '--only', 'alpha0,nofilter,timing', '--lengths', '1,4', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(work, 'study', 'ablations.json'), 'utf8')) as { variants: Record<string, { args: string[]; data?: string; by_length: Record<string, number>; n: Record<string, number> }>; timing: { anchor_step_s: number; full_step_s: number; ratio: number } };
    expect(Object.keys(out.variants).sort()).toEqual(['alpha0', 'default', 'nofilter']);
    expect(out.variants.alpha0!.args).toEqual(['--alpha', '0']);
    // the same probe for every variant: same lengths, same item counts as the default run's
    for (const v of Object.values(out.variants)) {
      expect(Object.keys(v.by_length)).toEqual(['1', '4']);
      expect(v.n).toEqual(out.variants.default!.n);
    }
    // ... so each variant's change against the default is paired on those items
    const alpha0 = out.variants.alpha0 as unknown as { by_length: Record<string, number>; vs_default: Record<string, { n: number; difference: number }> };
    expect(alpha0.vs_default['4']?.n).toBe(out.variants.default!.n['4']);
    expect(alpha0.vs_default['4']?.difference).toBeCloseTo(alpha0.by_length['4']! - out.variants.default!.by_length['4']!, 9);
    expect(first.stdout).toMatch(/alpha0 − default: 1 clip [+−]\d+\.\d \[/);
    // and its best − worst position at 4 clips against the default's, paired the same way
    const gap = (out.variants.alpha0 as unknown as { position_gap_vs_default: { length: number; first: { gap: number }; second: { gap: number }; change: number } }).position_gap_vs_default;
    expect(gap.length).toBe(4);
    expect(gap.change).toBeCloseTo(gap.second.gap - gap.first.gap, 12);
    expect(first.stdout).toMatch(/alpha0 − default: .*; best − worst position at 4 clips \d+\.\d → \d+\.\d, change [+−]\d+\.\d \[/);
    // each variant changes only its one thing
    const cfg = (name: string) => JSON.parse(readFileSync(join(work, 'study', 'ablate', name, 'config.json'), 'utf8')) as { config: { alpha: number; lossType: string; refMode: string } };
    expect(cfg('alpha0').config).toMatchObject({ alpha: 0, lossType: 'sigmoid', refMode: 'anchor' });
    expect(cfg('nofilter').config).toMatchObject({ alpha: 1, lossType: 'sigmoid', refMode: 'anchor' });
    const nofilter = JSON.parse(readFileSync(join(work, 'study', 'data-nofilter', 'report.json'), 'utf8')) as { stage1: { similarityThreshold: number } };
    expect(nofilter.stage1.similarityThreshold).toBe(1);
    expect(out.timing.anchor_step_s).toBeGreaterThan(0);
    expect(out.timing.ratio).toBeCloseTo(out.timing.anchor_step_s / out.timing.full_step_s, 9);
    expect(first.stdout).toMatch(/\| alpha0 \| \d+ \| [\d.]+ \[/);
    // the default run is scored into ablate/default (eval --out): reproduce's own result is untouched
    expect(readFileSync(join(work, 'study', 'runs', 'stage1', 'eval.json'), 'utf8')).toBe(reproduced);
    expect(existsSync(join(work, 'study', 'ablate', 'default', 'eval.json'))).toBe(true);
    const again = await run(['ablate', '--study', 'study', '--quick', '--only', 'alpha0', '--lengths', '1,4']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/alpha0 — already done, kept/);
    // Another probe size: the trained variant is kept, every evaluation is made again at that size.
    const sized = await run(['ablate', '--study', 'study', '--quick', '--only', 'alpha0', '--lengths', '1,4', '--probe-anchors', '4']);
    expect(sized.code, sized.stderr).toBe(0);
    expect(sized.stderr).toMatch(/alpha0 — already done, kept/);
    expect((JSON.parse(readFileSync(join(work, 'study', 'ablations.json'), 'utf8')) as { probe_anchors: number }).probe_anchors).toBe(4);
    for (const v of ['default', 'alpha0']) expect((JSON.parse(readFileSync(join(work, 'study', 'ablate', v, 'eval.json'), 'utf8')) as { probe: { settings: { maxAnchors: number } } }).probe.settings.maxAnchors, v).toBe(4);
    const bad = await run(['ablate', '--study', 'study', '--only', 'alpha1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Unknown ablation alpha1/);
    // The paper's Stage 1 already starts from SFT: no curriculum to take away.
    const paper = await run(['ablate', '--study', 'study', '--quick', '--only', 'nocurriculum']);
    expect(paper.code).toBe(1);
    expect(paper.stderr).toMatch(/No nocurriculum ablation for this study: .* follows the paper's recipe/);
  }, 300_000);

  it('ablate on a curriculum study: each variant starts where its Stage 1 did, with its settings; nocurriculum starts from SFT', async () => {
    const r = await run(['ablate', '--study', 'study-cur', '--quick', '--only', 'alpha0,nocurriculum', '--lengths', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    type Config = { run_id: string; init: string; config: { alpha: number; lr: number; beta: number; compositeClips?: number } };
    const cfg = (path: string[]) => JSON.parse(readFileSync(join(work, 'study-cur', ...path, 'config.json'), 'utf8')) as Config;
    const step = (name: string) => (JSON.parse(readFileSync(join(work, 'study-cur', 'runs', name, 'checkpoint.json'), 'utf8')) as { step: number }).step;
    const start = (name: string) => `${cfg(['runs', name]).run_id}@${String(step(name)).padStart(6, '0')}`;
    // alpha0 copies the study's Stage 1: from the curriculum's last step, at its learning rate, α = 0 the one change.
    expect(cfg(['ablate', 'alpha0']).init).toBe(cfg(['runs', 'stage1']).init);
    expect(cfg(['ablate', 'alpha0']).init).toBe(start('curriculum-4'));
    expect(cfg(['ablate', 'alpha0']).config).toMatchObject({ ...cfg(['runs', 'stage1']).config, alpha: 0 });
    // nocurriculum: the paper's Stage 1 from SFT.
    expect(cfg(['ablate', 'nocurriculum']).init).toBe(start('sft'));
    expect(cfg(['ablate', 'nocurriculum']).config).toMatchObject({ lr: 1e-3, beta: 0.1, alpha: 1 });
    const out = JSON.parse(readFileSync(join(work, 'study-cur', 'ablations.json'), 'utf8')) as { recipe: string; training_worlds: number; variants: Record<string, { init: string }> };
    expect(out).toMatchObject({ recipe: 'curriculum', training_worlds: 1 });
    expect(Object.keys(out.variants).sort()).toEqual(['alpha0', 'default', 'nocurriculum']);
    expect(out.variants.nocurriculum!.init).toBe(join('study-cur', 'runs', 'sft'));
    // A study of two worlds: a variant trains on their merge, as its Stage 1 did, at its settings;
    // Stage 1 data without the filter is made for one world only, so nofilter is refused by name.
    const two = await run(['ablate', '--study', 'study2', '--quick', '--only', 'alpha0', '--lengths', '1', '--quiet']);
    expect(two.code, two.stderr).toBe(0);
    const both = (path: string[]) => JSON.parse(readFileSync(join(work, 'study2', ...path, 'config.json'), 'utf8')) as Config & { data: string };
    expect(both(['ablate', 'alpha0']).data).toBe(join('study2', 'train'));
    expect(both(['ablate', 'alpha0']).config).toMatchObject({ ...both(['runs', 'stage1']).config, alpha: 0 });
    const nofilter = await run(['ablate', '--study', 'study2', '--quick', '--only', 'nofilter']);
    expect(nofilter.code).toBe(1);
    expect(nofilter.stderr).toMatch(/No nofilter ablation for this study: .* trains on 2 worlds/);
  }, 300_000);

  it('eval --blind: the same items scored with zero clip vectors, paired against the run\'s eval.json', async () => {
    // The full probe of the small held-out world (reproduce --quick's is too small to tell the two apart).
    const seen = await run(['eval', '--run', 'study/runs/stage1', '--data', 'study/heldout', '--lengths', '1,4', '--quiet']);
    expect(seen.code, seen.stderr).toBe(0);
    // The Stage 2 probe's line gives the per-token score beside the summed one.
    expect(seen.stdout).toMatch(/^Stage 2 probe \(correct vs degraded-context answer, chance 50\): full video \d+\.\d \[.*\], cited scenes only \d+\.\d; per token: full \d+\.\d, cited \d+\.\d; n \d+$/m);
    expect(seen.stdout).toMatch(/^Stage 2 probe, same form \(correct vs a guess of its form, chance 50\): full video \d+\.\d \[.*\], cited scenes only \d+\.\d; per token: full \d+\.\d, cited \d+\.\d; n \d+$/m);
    const blind = await run(['eval', '--run', 'study/runs/stage1', '--data', 'study/heldout', '--lengths', '1,4', '--blind', '--quiet']);
    expect(blind.code, blind.stderr).toBe(0);
    type File = { visual?: string; checkpoint: string; by_length: Record<string, number>; n: Record<string, number>; correct_logp: Record<string, number>; per_item: { fingerprint: string; correct: string } };
    const seeing = JSON.parse(readFileSync(join(work, 'study', 'runs', 'stage1', 'eval.json'), 'utf8')) as File;
    const zeros = JSON.parse(readFileSync(join(work, 'study', 'runs', 'stage1', 'eval-blind.json'), 'utf8')) as File;
    expect(zeros.visual).toBe('zeros');
    expect(seeing.visual).toBeUndefined();
    // Same probe, same checkpoint, other input: the fingerprints match and the scores differ.
    expect(zeros.per_item.fingerprint).toBe(seeing.per_item.fingerprint);
    expect(zeros.checkpoint).toBe(seeing.checkpoint);
    expect(zeros.n).toEqual(seeing.n);
    for (const l of ['1', '4']) {
      expect(Number.isFinite(zeros.correct_logp[l]) && Number.isFinite(seeing.correct_logp[l])).toBe(true);
      expect(Math.abs(zeros.correct_logp[l]! - seeing.correct_logp[l]!)).toBeGreaterThan(1e-4);
    }
    const d4 = (seeing.by_length['4']! - zeros.by_length['4']!) * 100;
    const shown = /Looking at the clips \(eval\.json − blind\).*4 clips ([+−])(\d+\.\d) \[/.exec(blind.stdout);
    expect(shown, blind.stdout).not.toBeNull();
    expect(Number(shown![2]) * (shown![1] === '−' ? -1 : 1)).toBeCloseTo(d4, 0);

    // --hide-anchor zeroes only the anchor: at one clip that is the blind input (same answers,
    // item for item); at four the distractors stay, so the scores move off the blind ones.
    const hidden = await run(['eval', '--run', 'study/runs/stage1', '--data', 'study/heldout', '--lengths', '1,4', '--hide-anchor', '--items', 'study/items-hidden.jsonl', '--quiet']);
    expect(hidden.code, hidden.stderr).toBe(0);
    const noAnchor = JSON.parse(readFileSync(join(work, 'study', 'runs', 'stage1', 'eval-hide-anchor.json'), 'utf8')) as File & { stage2: unknown };
    expect(noAnchor.visual).toBe('anchor-hidden');
    expect(noAnchor.per_item.fingerprint).toBe(seeing.per_item.fingerprint);
    expect(noAnchor.stage2).toBeNull();
    expect(noAnchor.correct_logp['1']).toBeCloseTo(zeros.correct_logp['1']!, 4);
    expect(Math.abs(noAnchor.correct_logp['4']! - zeros.correct_logp['4']!)).toBeGreaterThan(1e-4);
    expect(Math.abs(noAnchor.correct_logp['4']! - seeing.correct_logp['4']!)).toBeGreaterThan(1e-4);
    expect(hidden.stdout).toMatch(/Reading the anchor \(eval\.json − anchor hidden\).*4 clips [+−]\d+\.\d \[/);
    // --items: one line per item, the choice is the best-scored candidate, and right where per_item says.
    type Line = { length: number; family: string; question: string; answer: string; chosen: string; correct: boolean; candidates: { answer: string; logp: number }[]; clips: string[]; anchor: string; position: number };
    const lines = readFileSync(join(work, 'study', 'items-hidden.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.length).toBe(noAnchor.n['1']! + noAnchor.n['4']!);
    lines.forEach((l, i) => {
      const best = l.candidates.reduce((a, b) => (b.logp > a.logp ? b : a));
      expect(l.chosen).toBe(best.answer);
      expect(l.candidates.map((c) => c.answer)).toContain(l.answer);
      expect(l.correct).toBe(noAnchor.per_item.correct[i] === '1');
      expect(l.clips[l.position]).toBe(l.anchor); // the real clips, as the probe built them
    });
    const both = await run(['eval', '--run', 'study/runs/stage1', '--data', 'study/heldout', '--blind', '--hide-anchor']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--blind and --hide-anchor/);
  }, 180_000);
});
