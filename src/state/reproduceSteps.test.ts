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

  it('shows the cited-scenes step, its evaluations and baselines only when the study has it, between Stage 1 and Stage 2', () => {
    for (const recipe of ['paper', 'curriculum'] as const) {
      expect(reproduceSteps(recipe).some((s) => s.includes('stage2-cited'))).toBe(false);
      const withStep = reproduceSteps(recipe, { citedStep: true });
      expect(withStep.filter((s) => s.includes('stage2-cited'))).toEqual(['stage2-cited', 'eval-stage2-cited', 'blind-stage2-cited', 'hidden-stage2-cited']);
      expect(withStep.indexOf('stage2-cited')).toBe(withStep.indexOf('stage1') + 1);
      expect(withStep.indexOf('stage2')).toBe(withStep.indexOf('stage2-cited') + 1);
    }
    expect(STEP_LABELS['eval-stage2-cited']).toBe('Evaluate the cited-scenes step');
  });
});
