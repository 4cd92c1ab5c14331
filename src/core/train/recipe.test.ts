// The study's recipes (`reproduce --recipe`, the Reproduce panel): which runs, from which, with
// which settings. The curriculum is the chain docs/results.md measured; the paper's keeps the
// settings studies were made with before recipes existed.
import { describe, expect, it } from 'vitest';
import { defaultTrainConfig, validateTrainConfig } from './config';
import { CITED_STEP_SETTINGS, longestTriple, recipeLayout, RECIPES, stepChange, stepFlags, studySftEpochs, studySteps, STUDY_RUNS } from './recipe';

describe('studySteps', () => {
  it('paper: SFT → Stage 1 (lr 1e-3, 3 epochs on one world) → Stage 2 at its defaults', () => {
    const steps = studySteps('paper');
    expect(steps.map((s) => [s.run, s.stage, s.init])).toEqual([
      ['sft', 'sft', null],
      ['stage1', 'stage1', 'sft'],
      ['stage2', 'stage2', 'stage1'],
    ]);
    expect(steps[1]?.settings).toEqual({ lr: 1e-3, epochs: 3 });
    expect(steps[2]?.settings).toEqual({});
    expect(studySteps('paper', { worlds: 16 })[1]?.settings.epochs).toBe(1);
    expect(studySteps('paper', { quick: true })[1]?.settings.epochs).toBe(1);
    expect(recipeLayout('paper')).toBe('clips-first');
  });

  it('curriculum: each step starts from the one before; supervised steps on 2 then 4 clips, Stage 1, Stage 2 with replay', () => {
    const steps = studySteps('curriculum', { worlds: 16 });
    expect(steps.map((s) => [s.run, s.stage, s.init])).toEqual([
      ['sft', 'sft', null],
      ['curriculum-2', 'stage1', 'sft'],
      ['curriculum-4', 'stage1', 'curriculum-2'],
      ['stage1', 'stage1', 'curriculum-4'],
      ['stage2', 'stage2', 'stage1'],
    ]);
    expect(steps[1]?.settings).toEqual({ compositeClips: 2, beta: 1e-4, lr: 1e-3, epochs: 1 });
    expect(steps[2]?.settings).toEqual({ compositeClips: 4, beta: 1e-4, lr: 1e-3, epochs: 1 });
    expect(steps[3]?.settings).toEqual({ lr: 2e-4, epochs: 1 });
    expect(steps[4]?.settings).toEqual({ epochs: 1, replay: 1 });
    expect(recipeLayout('curriculum')).toBe('question-twice');
    expect(studySteps('curriculum', { worlds: 16, citedStep: true }).map((s) => s.run)).toEqual([...STUDY_RUNS]);
    // Every step is a valid training config of its stage.
    for (const s of steps) expect(validateTrainConfig({ ...defaultTrainConfig(s.stage), ...s.settings }).stage).toBe(s.stage);
  });
});

describe('studySteps, spread', () => {
  it('the curriculum with its supervised steps keeping every slot; the rest as the curriculum', () => {
    const spread = studySteps('spread', { worlds: 16 });
    const curriculum = studySteps('curriculum', { worlds: 16 });
    expect(spread.map((s) => [s.run, s.stage, s.init])).toEqual(curriculum.map((s) => [s.run, s.stage, s.init]));
    expect(spread[1]?.settings).toEqual({ compositeClips: 2, keepSlots: true, beta: 1e-4, lr: 1e-3, epochs: 1 });
    expect(spread[2]?.settings).toEqual({ compositeClips: 4, keepSlots: true, beta: 1e-4, lr: 1e-3, epochs: 1 });
    expect(spread[1]?.label).toBe('supervised on 2 clips over every slot');
    expect(spread.slice(3).map((s) => s.settings)).toEqual(curriculum.slice(3).map((s) => s.settings));
    expect(recipeLayout('spread')).toBe('question-twice');
    for (const s of spread) expect(validateTrainConfig({ ...defaultTrainConfig(s.stage), ...s.settings }).stage).toBe(s.stage);
  });
});

describe('studySteps, single-clip pairs', () => {
  it('adds the share to Stage 1 of any recipe and to nothing else; 0 or absent leaves the recipe as it was', () => {
    for (const recipe of RECIPES) {
      const plain = studySteps(recipe, { worlds: 16 });
      const single = studySteps(recipe, { worlds: 16, singleClip: 0.5 });
      expect(single.map((s) => s.run)).toEqual(plain.map((s) => s.run));
      for (const [i, s] of single.entries()) {
        const p = plain[i];
        expect(s.settings).toEqual(s.run === 'stage1' ? { ...p?.settings, singleClip: 0.5 } : p?.settings);
        if (s.run === 'stage1') expect(s.label).toBe('Stage 1 DPO, 50% of its pairs also with the anchor alone');
        expect(validateTrainConfig({ ...defaultTrainConfig(s.stage), ...s.settings }).stage).toBe(s.stage);
      }
      expect(studySteps(recipe, { worlds: 16, singleClip: 0 })).toEqual(plain);
    }
  });
});

describe('studySteps, the cited-scenes step', () => {
  it('puts a supervised step on the cited scenes between Stage 1 and Stage 2 of any recipe, Stage 2 starting from it; the rest unchanged', () => {
    for (const recipe of RECIPES) {
      const plain = studySteps(recipe, { worlds: 32, singleClip: 0.5 });
      const cited = studySteps(recipe, { worlds: 32, singleClip: 0.5, citedStep: true });
      expect(cited.map((s) => s.run)).toEqual([...plain.slice(0, -1).map((s) => s.run), 'stage2-cited', 'stage2']);
      const step = cited.at(-2)!;
      expect(step).toMatchObject({ run: 'stage2-cited', stage: 'stage2', init: 'stage1', settings: CITED_STEP_SETTINGS, label: 'supervised on the cited scenes' });
      expect(cited.at(-1)).toEqual({ ...plain.at(-1), init: 'stage2-cited' });
      expect(cited.slice(0, -2)).toEqual(plain.slice(0, -1));
      // A Stage 2 config the trainer accepts, and the flags `reproduce` passes.
      expect(validateTrainConfig({ ...defaultTrainConfig('stage2'), ...step.settings }).citedOnly).toBe(true);
      expect(stepFlags(step.settings)).toEqual(['--beta', '0.0001', '--lr', '0.001', '--epochs', '3', '--replay', '1', '--cited-only']);
      expect(studySteps(recipe, { worlds: 32, citedStep: false })).toEqual(studySteps(recipe, { worlds: 32 }));
    }
    // A smoke run trains it one epoch; STUDY_RUNS orders it between Stage 1 and Stage 2.
    expect(studySteps('paper', { quick: true, citedStep: true }).find((s) => s.run === 'stage2-cited')?.settings.epochs).toBe(1);
    expect(STUDY_RUNS.indexOf('stage2-cited')).toBe(STUDY_RUNS.indexOf('stage1') + 1);
    expect(STUDY_RUNS.at(-1)).toBe('stage2');
  });
});

describe('stepChange', () => {
  it('names the first setting a run was trained with that the step asks otherwise; data settings count when the step leaves them off', () => {
    const step = studySteps('spread', { worlds: 16, singleClip: 0.5 })[3]?.settings ?? {};
    expect(stepChange({ lr: 2e-4, epochs: 1, singleClip: 0.5 }, step)).toBeNull();
    // Made without single-clip pairs (or before they existed): not this step.
    expect(stepChange({ lr: 2e-4, epochs: 1 }, step)).toEqual({ key: 'singleClip', had: 0, want: 0.5 });
    expect(stepChange({ lr: 2e-4, epochs: 1, singleClip: 0.25 }, step)).toEqual({ key: 'singleClip', had: 0.25, want: 0.5 });
    expect(stepChange({ lr: 1e-3, epochs: 1, singleClip: 0.5 }, step)).toEqual({ key: 'lr', had: 1e-3, want: 2e-4 });
    // The other way round: a run with a setting the step leaves off.
    expect(stepChange({ lr: 2e-4, epochs: 1, replay: 1 }, { lr: 2e-4, epochs: 1 })).toEqual({ key: 'replay', had: 1, want: 0 });
    expect(stepChange({ lr: 2e-4, epochs: 1, keepSlots: true }, { lr: 2e-4, epochs: 1 })).toEqual({ key: 'keepSlots', had: true, want: false });
    // Settings the step does not set and that are not data settings are the run's own business.
    expect(stepChange({ lr: 2e-4, epochs: 1, beta: 0.5 }, { lr: 2e-4, epochs: 1 })).toBeNull();
    expect(stepChange(undefined, {})).toBeNull();
  });
});

describe('stepFlags', () => {
  it('writes the settings as `longvpo train` flags, and nothing for the defaults', () => {
    expect(stepFlags({ compositeClips: 2, beta: 1e-4, lr: 1e-3, epochs: 1 })).toEqual(['--composite-clips', '2', '--beta', '0.0001', '--lr', '0.001', '--epochs', '1']);
    expect(stepFlags({ epochs: 1, replay: 1 })).toEqual(['--epochs', '1', '--replay', '1']);
    expect(stepFlags({})).toEqual([]);
    expect(stepFlags({ compositeClips: 4, keepSlots: true, epochs: 1 })).toEqual(['--composite-clips', '4', '--keep-slots', '--epochs', '1']);
    expect(stepFlags({ keepSlots: false })).toEqual([]);
    expect(stepFlags({ lr: 2e-4, singleClip: 0.5 })).toEqual(['--lr', '0.0002', '--single-clip', '0.5']);
  });

  it('gives SFT fewer epochs on more worlds: the default on one, about the same steps from two on, never under 4', () => {
    expect(studySftEpochs(1)).toBeUndefined();
    expect([2, 4, 5, 16].map((n) => studySftEpochs(n))).toEqual([10, 5, 4, 4]);
    expect(studySftEpochs(1, true)).toBe(4);
  });

  it('finds the study’s longest sequence (what a browser study checks against its context)', () => {
    const t = (id: string, clips: number, question = 'What returns in Scene #2 ?') => ({ id, clips: new Array<string>(clips).fill('c'), question, chosen: 'the red circle', rejected: 'nothing' });
    expect(longestTriple([t('a', 16)], 1, 'clips-first')).toEqual({ triple: t('a', 16), length: 16 + 1 + 7 + 1 + 3 + 1, clipTokens: 16 });
    // 98 scenes of 6 object tokens: 588 visual tokens; question-twice adds the question once more.
    const q = 'what returns in scene # 2 ?';
    expect(longestTriple([t('a', 16), t('b', 98, q), t('c', 4)], 6, 'clips-first')).toMatchObject({ triple: { id: 'b' }, length: 588 + 1 + 7 + 1 + 3 + 1, clipTokens: 588 });
    expect(longestTriple([t('b', 98, q)], 6, 'question-twice')?.length).toBe(1 + 7 + 588 + 1 + 7 + 1 + 3 + 1);
    expect(longestTriple([], 6, 'clips-first')).toBeNull();
  });
});
