// Generators state (issue #4): which generator synthesis uses, the stored annotation files (their
// summaries; the records stay in IndexedDB) and the endpoint's settings. Written by
// generatorsService; components select what they render.
import type { StateCreator } from 'zustand';
import type { AnnotationSetRecord } from '../storage/schema';
import type { GeneratorChoice } from '../storage/settingsRepo';
import { BLANK_ENDPOINT, type EndpointDraft } from '../workers/generatorFactory';

export { BLANK_ENDPOINT, type EndpointDraft, type EndpointFields } from '../workers/generatorFactory';

/** A stored annotations file without its records, which may be large. */
export type AnnotationSetSummary = Omit<AnnotationSetRecord, 'records'>;


export interface GeneratorsSlice {
  generators: {
    /** False until the settings and sets were read from IndexedDB once. */
    loaded: boolean;
    active: GeneratorChoice;
    endpoint: EndpointDraft;
    /** '' when none is stored. Shown only in a password field. */
    apiKey: string;
    sets: AnnotationSetSummary[];
    /** Files being read and parsed. */
    importing: boolean;
  };
  setGenerators(patch: Partial<GeneratorsSlice['generators']>): void;
}

export const createGeneratorsSlice = <S extends GeneratorsSlice>(): StateCreator<S, [], [], GeneratorsSlice> => (set) => ({
  generators: { loaded: false, active: 'oracle', endpoint: BLANK_ENDPOINT, apiKey: '', sets: [], importing: false },
  setGenerators(patch) {
    set((s) => ({ generators: { ...s.generators, ...patch } }) as Partial<S>);
  },
});
