// Synthesize state (issue #5): the Stage 1 parameters, the run in progress, the last run's report,
// and what is stored (counts and a preview). Written by synthService.
import type { StateCreator } from 'zustand';
import type { Triple } from '../core/triples/types';
import type { Stage1Response } from '../workers/synthHandlers';
import type { Progress } from '../workers/rpc';
import { DEFAULT_STAGE1_FORM, type Stage1Form } from '../storage/settingsRepo';

export { DEFAULT_STAGE1_FORM, type Stage1Form };

export interface SynthRun {
  stage: 1 | 2;
  progress: Progress | null;
  startedAt: number;
}

export interface SynthSlice {
  synth: {
    loaded: boolean;
    form: Stage1Form;
    run: SynthRun | null;
    last: (Stage1Response & { seconds: number }) | null;
    counts: { stage1: number; stage2: number };
    /** The first stored triples of the shown stage, for the preview. */
    preview: Triple[];
    /** Import or export in progress. */
    busy: string | null;
    /** What the last triples import stored. */
    lastImport: string | null;
  };
  setSynth(patch: Partial<SynthSlice['synth']>): void;
}

export const createSynthSlice = <S extends SynthSlice>(): StateCreator<S, [], [], SynthSlice> => (set) => ({
  synth: { loaded: false, form: DEFAULT_STAGE1_FORM, run: null, last: null, counts: { stage1: 0, stage2: 0 }, preview: [], busy: null, lastImport: null },
  setSynth(patch) {
    set((s) => ({ synth: { ...s.synth, ...patch } }) as Partial<S>);
  },
});
