// Evaluate state (issue #13): the probe settings, the evaluation in progress, and the cell whose
// items are shown. Results live on the run records (train slice `runs`). Written by evalService.
import type { StateCreator } from 'zustand';
import type { DemoSize } from '../core/demo';
import { PROBE_DEFAULTS } from '../core/eval/probe';
import type { Progress } from '../workers/rpc';

export interface EvalForm {
  heldOutSeed: number;
  size: DemoSize;
  lengths: string;
  /** Anchor clips the probe samples (`eval --max-anchors`). */
  anchors: number;
}

export interface EvalSlice {
  evaluation: {
    form: EvalForm;
    active: { runId: string; progress: Progress | null } | null;
    /** Run whose heatmap is shown, and the (length, position bucket) cell whose items are listed. */
    shownRunId: string | null;
    cell: { length: number; bucket: number } | null;
  };
  setEvaluation(patch: Partial<EvalSlice['evaluation']>): void;
}

export const createEvalSlice = <S extends EvalSlice>(): StateCreator<S, [], [], EvalSlice> => (set) => ({
  evaluation: { form: { heldOutSeed: 1042, size: 'small', lengths: '1,4,8,16', anchors: PROBE_DEFAULTS.maxAnchors }, active: null, shownRunId: null, cell: null },
  setEvaluation(patch) {
    set((s) => ({ evaluation: { ...s.evaluation, ...patch } }) as Partial<S>);
  },
});

/** The one-click study (src/state/reproduceService.ts): which step is where. */
export interface ReproduceSlice {
  reproduce: { running: boolean; size: DemoSize; steps: Partial<Record<string, 'waiting' | 'running' | 'done' | 'kept' | 'failed'>> };
  setReproduce(patch: Partial<ReproduceSlice['reproduce']>): void;
}

export const createReproduceSlice = <S extends ReproduceSlice>(): StateCreator<S, [], [], ReproduceSlice> => (set) => ({
  reproduce: { running: false, size: 'small', steps: {} },
  setReproduce(patch) {
    set((s) => ({ reproduce: { ...s.reproduce, ...patch } }) as Partial<S>);
  },
});
