// Which evaluations a study (reproduce, ablate) keeps on a rerun: only those of the current probe
// version at the lengths asked for; anything else is re-evaluated, since its items would not pair.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_VERSION } from '../src/core/eval/probe';
import { DEMO_DATA_VERSION } from '../src/core/demo';
import { currentEval, probeSize, probeSizeArgs, keptMerge, keptWorld, sameLayout, sameStep, sameTrainingData, worldMismatch, sftEpochs, stage1Settings, trainingSeeds } from '../src/cli/studyFiles';

describe('currentEval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longvpo-current-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, probe: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ probe }));
    return file;
  };

  it('keeps an evaluation of this probe version at the same lengths', async () => {
    expect(await currentEval(write('a.json', { version: PROBE_VERSION, settings: { lengths: [1, 16, 32] } }), '1,16,32')).toBe(true);
    expect(await currentEval(write('a2.json', { version: PROBE_VERSION, settings: { lengths: [1, 16, 32] } }), '1, 16, 32')).toBe(true);
  });

  it('re-evaluates one of another probe version, of no version, at other lengths, or missing', async () => {
    expect(await currentEval(write('b.json', { version: PROBE_VERSION - 1, settings: { lengths: [1, 16, 32] } }), '1,16,32')).toBe(false);
    expect(await currentEval(write('c.json', { settings: { lengths: [1, 16, 32] } }), '1,16,32')).toBe(false);
    expect(await currentEval(write('d.json', { version: PROBE_VERSION, settings: { lengths: [1, 4, 8, 16, 32] } }), '1,16,32')).toBe(false);
    expect(await currentEval(write('e.json', { version: PROBE_VERSION, settings: { lengths: [1, 16] } }), '1,16,32')).toBe(false);
    expect(await currentEval(join(dir, 'missing.json'), '1,16,32')).toBe(false);
  });

  it('asked for the same-form Stage 2 probe, re-evaluates a file written before it; null (no long video) is current', async () => {
    const probe = { version: PROBE_VERSION, settings: { lengths: [1] } };
    const file = (name: string, extra: object): string => {
      writeFileSync(join(dir, name), JSON.stringify({ probe, ...extra }));
      return join(dir, name);
    };
    const before = file('s1.json', {});
    expect(await currentEval(before, '1')).toBe(true);
    expect(await currentEval(before, '1', undefined, { sameForm: true })).toBe(false);
    expect(await currentEval(file('s2.json', { stage2_same_form: null }), '1', undefined, { sameForm: true })).toBe(true);
    expect(await currentEval(file('s3.json', { stage2_same_form: { full: {}, cited: {} } }), '1', undefined, { sameForm: true })).toBe(true);
  });

  it('given a probe size (--probe-anchors, --quick), keeps only an evaluation of that size; one that predates recording it is the default size', async () => {
    const file = write('f.json', { version: PROBE_VERSION, settings: { lengths: [16], maxAnchors: 240, questionsPerClip: 3 } });
    expect(await currentEval(file, '16', probeSize(false, 240))).toBe(true);
    expect(await currentEval(file, '16', probeSize(false))).toBe(false);
    expect(await currentEval(file, '16', probeSize(true, 240))).toBe(false);
    expect(await currentEval(file, '16')).toBe(true);
    const old = write('g.json', { version: PROBE_VERSION, settings: { lengths: [16] } });
    expect(await currentEval(old, '16', probeSize(false))).toBe(true);
    expect(await currentEval(old, '16', probeSize(true))).toBe(false);
    expect(probeSize(true)).toEqual({ maxAnchors: 6, questionsPerClip: 1 });
    expect(probeSizeArgs(probeSize(false, 240))).toEqual(['--max-anchors', '240', '--questions-per-clip', '3']);
  });
});

describe('a study on several training worlds (--train-worlds)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longvpo-worlds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains on seeds seed, seed + 1, …, and refuses a held-out seed among them', () => {
    expect(trainingSeeds(42, 1, 1042)).toEqual([42]);
    expect(trainingSeeds(42, 4, 1042)).toEqual([42, 43, 44, 45]);
    expect(() => trainingSeeds(42, 4, 44)).toThrow(/held-out world \(seed 44\) would be one of the 4 training worlds \(seeds 42–45\)/);
  });

  it('gives SFT fewer epochs on more worlds (20 on one, never under 4), and --quick 4', () => {
    expect(sftEpochs(1, false)).toEqual([]);
    expect(sftEpochs(2, false)).toEqual(['--epochs', '10']);
    expect(sftEpochs(9, false)).toEqual(['--epochs', '4']);
    expect(sftEpochs(1, true)).toEqual(['--epochs', '4']);
  });

  it('keeps a run only when it was trained on the data the study now uses', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ data: 'study/data' }));
    await expect(sameTrainingData(dir, 'study/data')).resolves.toBeUndefined();
    await expect(sameTrainingData(dir, 'study/train')).rejects.toThrow(/was trained on study\/data, but this study now trains on study\/train/);
    await expect(sameTrainingData(join(dir, 'none'), 'study/train')).resolves.toBeUndefined();
  });

  it('keeps an SFT run only when it has the layout the study asks for (none recorded: clips-first)', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ data: 'study/data', model: { dModel: 64 } }));
    await expect(sameLayout(dir, 'clips-first')).resolves.toBeUndefined();
    await expect(sameLayout(dir, 'question-twice')).rejects.toThrow(/trained with the clips-first layout, but this study asks for question-twice/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ data: 'study/data', model: { layout: 'question-twice' } }));
    await expect(sameLayout(dir, 'question-twice')).resolves.toBeUndefined();
    await expect(sameLayout(join(dir, 'none'), 'question-twice')).resolves.toBeUndefined();
  });
});

describe('kept worlds and merges of a study', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longvpo-kept-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const want = { seed: 42, size: 'full', features: 'mobilenet', sftQuestions: 'both', slots: 8 } as const;

  const v = { data_version: DEMO_DATA_VERSION };

  it('names what differs: seed, size, features (when recorded), SFT wording (none recorded: anchored), data version (none: 1)', () => {
    expect(worldMismatch({ seed: 42, size: 'full', features: 'mobilenet', sft: { questions: 'both' }, ...v }, want)).toBeNull();
    expect(worldMismatch({ seed: 42, size: 'full', sft: { questions: 'both' }, ...v }, want)).toBeNull();
    expect(worldMismatch({ seed: 43, size: 'full', sft: { questions: 'both' }, ...v }, want)).toMatch(/seed 43, but this study asks for seed 42/);
    expect(worldMismatch({ seed: 42, size: 'small', sft: { questions: 'both' }, ...v }, want)).toMatch(/size small/);
    expect(worldMismatch({ seed: 42, size: 'full', features: 'regions', sft: { questions: 'both' }, ...v }, want)).toMatch(/features regions/);
    expect(worldMismatch({ seed: 42, size: 'full', sft: {}, ...v }, want)).toMatch(/SFT questions of the form anchored, but this study asks for both/);
    // Stage 1 composites of another length (`reproduce --frame-budget`); a held-out world (slots 0) has none to compare.
    expect(worldMismatch({ seed: 42, size: 'full', sft: { questions: 'both' }, stage1: { slots: 8 }, ...v }, want)).toBeNull();
    expect(worldMismatch({ seed: 42, size: 'full', sft: { questions: 'both' }, stage1: { slots: 16 }, ...v }, want)).toMatch(/Stage 1 composites of 16 clips, but this study asks for 8 \(--frame-budget 256\)/);
    expect(worldMismatch({ seed: 42, size: 'full', sft: { questions: 'both' }, stage1: { slots: 16 }, ...v }, { ...want, slots: 0 })).toBeNull();
    // A world made before demo wrote its files as now (scenes, Stage 2 triples) is not kept.
    expect(worldMismatch({ seed: 42, size: 'full', sft: { questions: 'both' } }, want)).toMatch(/data version 1, made before `demo` wrote its files as it does now \(data version 2/);
  });

  it('keeps a fitting world, makes a missing one, refuses another (never silently kept)', async () => {
    expect(await keptWorld(join(dir, 'none'), want)).toBe(false);
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ seed: 42, size: 'full', sft: { questions: 'both' }, ...v }));
    expect(await keptWorld(dir, want)).toBe(true);
    await expect(keptWorld(dir, { ...want, sftQuestions: 'anchored' })).rejects.toThrow(/holds a demo world of SFT questions of the form both/);
    writeFileSync(join(dir, 'report.json'), '{');
    await expect(keptWorld(dir, want)).rejects.toThrow(/report\.json is not valid JSON/);
  });

  it('keeps a merge only of the same seeds, in order', async () => {
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ command: 'merge', sources: [{ seed: 42 }, { seed: 43 }] }));
    expect(await keptMerge(dir, [42, 43])).toBe(true);
    await expect(keptMerge(dir, [42, 43, 44])).rejects.toThrow(/merges the worlds of seeds 42, 43, but this study trains on seeds 42, 43, 44/);
  });
});

describe('stage1Settings', () => {
  it('3 epochs on one world, fewer on more (never under 1), 1 with --quick', () => {
    expect(stage1Settings(false)).toEqual(['--lr', '0.001', '--epochs', '3']);
    expect(stage1Settings(false, 2)).toEqual(['--lr', '0.001', '--epochs', '2']);
    expect(stage1Settings(false, 9)).toEqual(['--lr', '0.001', '--epochs', '1']);
    expect(stage1Settings(true, 1)).toEqual(['--lr', '0.001', '--epochs', '1']);
    // A study with single-clip pairs: its no-curriculum variant keeps them.
    expect(stage1Settings(false, 16, 0.5)).toEqual(['--lr', '0.001', '--epochs', '1', '--single-clip', '0.5']);
  });
});

describe('sameStep: a kept run must be the recipe step it stands for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longvpo-step-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const init = join(dir, 'init');
  const run = join(dir, 'run');
  mkdirSync(init);
  mkdirSync(run);
  writeFileSync(join(init, 'config.json'), JSON.stringify({ run_id: 'sft-1-abc' }));
  writeFileSync(join(init, 'checkpoint.json'), JSON.stringify({ latest: 'checkpoints/step-000020.safetensors', step: 20 }));

  it('keeps a run with the step\'s settings, started from the step\'s init', async () => {
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'sft-1-abc@000020', config: { lr: 0.001, epochs: 3, beta: 0.1 } }));
    await expect(sameStep(run, { lr: 1e-3, epochs: 3 }, init)).resolves.toBeUndefined();
    // Settings a config predates read as off.
    await expect(sameStep(run, { lr: 1e-3, compositeClips: 0 }, init)).resolves.toBeUndefined();
  });

  it('refuses other settings (a paper Stage 1 in a curriculum study), or another init', async () => {
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'sft-1-abc@000020', config: { lr: 0.001, epochs: 3, beta: 0.1 } }));
    await expect(sameStep(run, { lr: 2e-4, epochs: 3 }, init)).rejects.toThrow(/was trained with lr 0.001, but this study's recipe asks for 0.0002/);
    await expect(sameStep(run, { compositeClips: 2 }, init)).rejects.toThrow(/compositeClips 0, but this study's recipe asks for 2/);
    // A curriculum step that cut its composites is not the spread recipe's, nor the other way round.
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'sft-1-abc@000020', config: { lr: 0.001, compositeClips: 2 } }));
    await expect(sameStep(run, { lr: 1e-3, compositeClips: 2 }, init)).resolves.toBeUndefined();
    await expect(sameStep(run, { lr: 1e-3, compositeClips: 2, keepSlots: true }, init)).rejects.toThrow(/was trained with keepSlots false, but this study's recipe asks for true/);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'sft-1-abc@000020', config: { lr: 0.001, compositeClips: 2, keepSlots: true } }));
    await expect(sameStep(run, { lr: 1e-3, compositeClips: 2, keepSlots: true }, init)).resolves.toBeUndefined();
    await expect(sameStep(run, { lr: 1e-3, compositeClips: 2 }, init)).rejects.toThrow(/was trained with keepSlots true, but this study's recipe asks for false/);
    // Data settings the step leaves off are compared too: a run with single-clip pairs or replay is not a plain step's.
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'sft-1-abc@000020', config: { lr: 0.001, singleClip: 0.5 } }));
    await expect(sameStep(run, { lr: 1e-3 }, init)).rejects.toThrow(/was trained with singleClip 0.5, but this study's recipe asks for 0/);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'sft-1-abc@000020', config: { lr: 0.001, replay: 1 } }));
    await expect(sameStep(run, { lr: 1e-3 }, init)).rejects.toThrow(/was trained with replay 1, but this study's recipe asks for 0/);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ init: 'stage1-1-xyz@000010', config: { lr: 0.001 } }));
    await expect(sameStep(run, { lr: 1e-3 }, init)).rejects.toThrow(/was started from stage1-1-xyz@000010, but this study's recipe starts it from .*init \(sft-1-abc@000020\)/);
    await expect(sameStep(join(dir, 'none'), { lr: 1e-3 }, init)).resolves.toBeUndefined();
    // Started from a step the study does not have yet (`--cited-step` on a finished study): refused, naming the fix.
    await expect(sameStep(run, { lr: 1e-3 }, join(dir, 'stage2-cited'))).rejects.toThrow(/was started from stage1-1-xyz@000010, but this study's recipe starts it from .*stage2-cited, which is not trained yet/);
  });
});
