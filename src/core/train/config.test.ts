import { describe, expect, it } from 'vitest';
import { defaultTrainConfig, validateTrainConfig, type TrainConfig } from './config';

describe('training settings', () => {
  it('accept the defaults and name the field and the fix when a value is bad', () => {
    for (const stage of ['sft', 'stage1', 'stage2'] as const) expect(validateTrainConfig(defaultTrainConfig(stage)).stage).toBe(stage);
    expect(validateTrainConfig({ ...defaultTrainConfig('stage1'), dataSelection: 'accepted' }).dataSelection).toBe('accepted');
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), dataSelection: 'mine' } as unknown as TrainConfig)).toThrow(/data selection is mine/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), lr: 0 })).toThrow(/learning rate is 0/);
    expect(() => validateTrainConfig({ ...defaultTrainConfig('stage1'), labelSmoothing: 0.5 })).toThrow(/label smoothing/);
  });
});
