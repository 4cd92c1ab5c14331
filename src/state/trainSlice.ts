// Train state (issue #12): the form, the run in progress with its live metrics, and what is
// stored (runs and checkpoints). Written by trainService.
import type { StateCreator } from 'zustand';
import { DEFAULT_MODEL, defaultTrainConfig, type SequenceLayout, type TrainConfig, type TrainStage } from '../core/train/config';
import type { CheckpointRecord, RunRecord } from '../storage/schema';
import type { Progress } from '../workers/rpc';
import type { SftQuestionForm } from '../core/train/sftSynthesis';

export interface TrainForm extends Omit<TrainConfig, 'stage'> {
  stage: TrainStage;
  /** Checkpoint the DPO stages start from (and their frozen reference). */
  initCheckpointId: string;
  width: number;
  depth: number;
  heads: number;
  /** SFT: where the question sits (docs/training.md, Layout); DPO stages inherit their checkpoint's. */
  layout: SequenceLayout;
  /** SFT: the single-clip questions' wording (docs/training.md, "SFT questions"). */
  sftQuestions: SftQuestionForm;
  /** SFT: the longest sequence in tokens (`train --context`); Stage 1 and 2 keep their checkpoint's. */
  context: number;
}

export function defaultTrainForm(stage: TrainStage, initCheckpointId = ''): TrainForm {
  return { ...defaultTrainConfig(stage), initCheckpointId, width: 64, depth: 2, heads: 4, layout: 'clips-first', sftQuestions: 'anchored', context: DEFAULT_MODEL.maxContext };
}

export interface TrainRunState {
  runId: string | null;
  progress: Progress | null;
  startedAt: number;
}

export interface TrainSlice {
  train: {
    loaded: boolean;
    form: TrainForm;
    runs: RunRecord[];
    checkpoints: CheckpointRecord[];
    active: TrainRunState | null;
    /** The run whose charts are shown, and its metrics (stored, plus live steps while it trains). */
    selectedRunId: string | null;
    metrics: Record<string, number>[];
  };
  setTrain(patch: Partial<TrainSlice['train']>): void;
}

export const createTrainSlice = <S extends TrainSlice>(): StateCreator<S, [], [], TrainSlice> => (set) => ({
  train: { loaded: false, form: defaultTrainForm('sft'), runs: [], checkpoints: [], active: null, selectedRunId: null, metrics: [] },
  setTrain(patch) {
    set((s) => ({ train: { ...s.train, ...patch } }) as Partial<S>);
  },
});
