import { describe, expect, it } from 'vitest';
import { clipMismatch, DEFAULT_MODEL, defaultTrainConfig, parameterCount, validateModelConfig, validateTrainConfig, type TrainConfig } from './config';

describe('training settings', () => {
  it('accept the defaults and name the field and the fix when a value is bad', () => {
    for (const stage of ['sft', 'stage1', 'stage2'] as const) expect(validateTrainConfig(defaultTrainConfig(stage)).stage).toBe(stage);
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), dataSelection: 'accepted' }).dataSelection).toBe('accepted');
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), dataSelection: 'mine' } as unknown as TrainConfig)).toThrow(/data selection is mine/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), lr: 0 })).toThrow(/learning rate is 0/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), labelSmoothing: 0.5 })).toThrow(/label smoothing/);
  });

  it('Stage 1 replay: off by default, a share ≥ 0 for Stage 2 only', () => {
    expect(defaultTrainConfig('stage2').replay).toBe(0);
    expect(defaultTrainConfig('stage1').replay).toBeUndefined();
    expect(validateTrainConfig({ ...defaultTrainConfig('stage2'), replay: 1 }).replay).toBe(1);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage2'), replay: -1 })).toThrow(/Stage 1 replay is -1/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage2'), replay: Number.NaN })).toThrow(/Stage 1 replay is NaN/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), replay: 1 })).toThrow(/Stage 1 replay is for Stage 2, not stage1/);
  });

  it('clips per composite: off by default, a whole number for Stage 1 only', () => {
    expect(defaultTrainConfig('stage1').compositeClips).toBeUndefined();
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), compositeClips: 2 }).compositeClips).toBe(2);
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), compositeClips: 0 }).compositeClips).toBe(0);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), compositeClips: 2.5 })).toThrow(/clips per composite is 2.5/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), compositeClips: -1 })).toThrow(/clips per composite is -1/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage2'), compositeClips: 2 })).toThrow(/clips per composite is for Stage 1, not stage2/);
    expect(validateTrainConfig({ ...defaultTrainConfig('sft'), compositeClips: 0 }).stage).toBe('sft');
    // Keeping every slot spreads the kept clips over them: it needs two or more.
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), compositeClips: 2, keepSlots: true }).keepSlots).toBe(true);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), keepSlots: true })).toThrow(/keep every slot needs 2 or more clips per composite \(got 0\)/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), compositeClips: 1, keepSlots: true })).toThrow(/got 1/);
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), keepSlots: false }).keepSlots).toBe(false);
    // Single-clip pairs: a share of the Stage 1 pairs, Stage 1 only.
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), singleClip: 0.5 }).singleClip).toBe(0.5);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), singleClip: 1.5 })).toThrow(/single-clip pairs is 1.5/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage2'), singleClip: 0.5 })).toThrow(/single-clip pairs is for Stage 1, not stage2/);
  });
});

describe('model settings', () => {
  const base = { ...DEFAULT_MODEL, visualDim: 1856 * 5, vocabSize: 40 };
  it('take several visual tokens per clip when they divide the embedding, with one shared projector', () => {
    expect(validateModelConfig({ ...base, visualTokens: 5 }).visualTokens).toBe(5);
    expect(() => validateModelConfig({ ...base, visualTokens: 3 })).toThrow(/visual tokens per clip is 3 for 9280-d/);
    expect(() => validateModelConfig({ ...base, visualTokens: 0 })).toThrow(/visual tokens per clip is 0/);
    // Five tokens: a projector of 1856 inputs and five region vectors instead of 9280 inputs.
    expect(parameterCount(base) - parameterCount({ ...base, visualTokens: 5 })).toBe((9280 - 1856) * 64 - 5 * 64);
  });
});

describe('clips for a model', () => {
  it('fit when size and visual tokens per clip agree, and say which differs otherwise', () => {
    const m = { visualDim: 9280, visualTokens: 5 };
    expect(clipMismatch(m, { dim: 9280, tokens: 5 })).toBeNull();
    expect(clipMismatch({ visualDim: 1792 }, { dim: 1792 })).toBeNull();
    expect(clipMismatch(m, { dim: 1792 })).toBe('The model takes 9280-d clip embeddings; the data has 1792-d.');
    expect(clipMismatch(m, { dim: 9280, tokens: 1 })).toBe("The model reads each clip as 5 visual token(s); the data's clips have 1.");
  });
});
