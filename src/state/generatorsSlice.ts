// Generators state (issue #4): which generator synthesis uses, the stored annotation files (their
// summaries; the records stay in IndexedDB) and the endpoint's settings. Written by
// generatorsService; components select what they render.
import type { StateCreator } from 'zustand';
import { DEFAULT_ENDPOINT_CONFIG } from '../net/endpointGenerator';
import type { PromptSet } from '../net/prompts';
import type { AnnotationSetRecord } from '../storage/schema';
import type { GeneratorChoice } from '../storage/settingsRepo';

/** A stored annotations file without its records, which may be large. */
export type AnnotationSetSummary = Omit<AnnotationSetRecord, 'records'>;

/** The endpoint's settings as the UI edits them: the stored shape with a typed prompt set. */
export interface EndpointFields {
  baseUrl: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  maxFramesPerClip: number;
}

export interface EndpointDraft extends EndpointFields {
  prompts: PromptSet;
}

/** What an endpoint that was never saved starts with: src/net's defaults, no URL or model. */
export const BLANK_ENDPOINT: EndpointDraft = {
  baseUrl: '',
  model: '',
  timeoutMs: DEFAULT_ENDPOINT_CONFIG.timeoutMs,
  maxRetries: DEFAULT_ENDPOINT_CONFIG.maxRetries,
  concurrency: DEFAULT_ENDPOINT_CONFIG.concurrency,
  maxFramesPerClip: DEFAULT_ENDPOINT_CONFIG.maxFramesPerClip,
  prompts: DEFAULT_ENDPOINT_CONFIG.prompts,
};

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
