// The Reproduce panel's timeline per recipe: the paper's has no curriculum steps, and the spread
// recipe's supervised steps say that they keep every slot.
import { describe, expect, it } from 'vitest';
import { reproduceSteps, STEP_LABELS, stepLabel } from './reproduceSteps';

describe('reproduce timeline', () => {
  it('lists the recipe’s runs and labels the spread recipe’s steps', () => {
    expect(reproduceSteps('paper')).not.toContain('curriculum-2');
    expect(reproduceSteps('spread')).toEqual(reproduceSteps('curriculum'));
    expect(stepLabel('curriculum-2', 'spread')).toBe('Train on 2 clips over every slot (supervised: β 1e-4)');
    expect(stepLabel('curriculum-4', 'spread')).toBe('Train on 4 clips over every slot (supervised: β 1e-4)');
    expect(stepLabel('curriculum-4', 'curriculum')).toBe(STEP_LABELS['curriculum-4']);
    expect(stepLabel('eval-curriculum-2', 'spread')).toBe(STEP_LABELS['eval-curriculum-2']);
    expect(stepLabel('stage1', 'spread', 0.5)).toBe('Train Stage 1 DPO, 50% of its pairs also with the anchor alone');
    expect(stepLabel('stage1', 'paper', 0)).toBe(STEP_LABELS.stage1);
    expect(stepLabel('stage2', 'paper', 0.5)).toBe(STEP_LABELS.stage2);
  });
});
