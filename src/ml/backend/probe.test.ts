// The probe's stop rule (src/ml/backend/probe.ts keepTiming): a CPU-side backend is timed past its
// budget while it is still getting faster (wasm tier-up), and never past its cap.
import { describe, expect, it } from 'vitest';
import { keepTiming } from './probe';

const limits = { minReps: 2, maxReps: 400, budgetMs: 40, settleMs: 60, maxMs: 500 };

describe('keepTiming', () => {
  it('always runs the minimum repetitions, and stops at the repetition cap', () => {
    expect(keepTiming({ reps: 1, elapsedMs: 10_000, sinceImprovementMs: 10_000 }, limits)).toBe(true);
    expect(keepTiming({ reps: 400, elapsedMs: 1, sinceImprovementMs: 0 }, limits)).toBe(false);
  });

  it('runs the whole budget', () => {
    expect(keepTiming({ reps: 5, elapsedMs: 39, sinceImprovementMs: 39 }, limits)).toBe(true);
  });

  it('goes on past the budget while the speed still improves, up to the cap', () => {
    expect(keepTiming({ reps: 9, elapsedMs: 120, sinceImprovementMs: 20 }, limits)).toBe(true);
    expect(keepTiming({ reps: 9, elapsedMs: 120, sinceImprovementMs: 61 }, limits)).toBe(false);
    expect(keepTiming({ reps: 30, elapsedMs: 500, sinceImprovementMs: 5 }, limits)).toBe(false);
  });

  it('without a settle window it is the plain budget (GPU backends)', () => {
    const gpu = { ...limits, settleMs: 0, maxMs: 40 };
    expect(keepTiming({ reps: 9, elapsedMs: 41, sinceImprovementMs: 0 }, gpu)).toBe(false);
  });
});
