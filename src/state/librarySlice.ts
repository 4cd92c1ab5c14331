// Library state: stored videos (without their File) and imports in progress.
import type { StateCreator } from 'zustand';
import { DEFAULT_PIPELINE, type PipelineSettings } from '../core/pipeline';
import type { VideoRecord } from '../storage/schema';
import type { DecoderChoice } from '../storage/settingsRepo';
import type { Progress } from '../workers/rpc';

export type VideoSummary = Omit<VideoRecord, 'file'>;

export interface ImportJob {
  id: string;
  name: string;
  /** Set once the video is stored (sampling stage). */
  videoId?: string;
  stage: 'probing' | 'sampling' | 'segmenting';
  progress: Progress | null;
  startedAt: number;
  /** Sampling speed since this run started (frames resumed from are not counted). */
  framesPerS?: number;
}

/** The "Run demo" job: generating the world's videos, then importing them. */
export interface DemoJob {
  stage: 'generating' | 'importing' | 'done';
  progress: Progress | null;
  startedAt: number;
  /** What was generated (counts, codec, time, fingerprint), once it has been. */
  summary: string | null;
}

export interface LibrarySlice {
  library: {
    videos: VideoSummary[];
    jobs: ImportJob[];
    selectedVideoId: string | null;
    /**
     * True once the user picks a video in the list during an import: the videos the import stores
     * next no longer take the selection from it (a new import starts following them again).
     */
    selectionByUser: boolean;
    decoder: DecoderChoice;
    /** Settings for new imports; videos imported with others show "Update". */
    pipeline: PipelineSettings;
    demo: DemoJob | null;
  };
  setLibrary(patch: Partial<LibrarySlice['library']>): void;
  updateJob(id: string, patch: Partial<ImportJob> | null): void;
}

export const createLibrarySlice = <S extends LibrarySlice>(): StateCreator<S, [], [], LibrarySlice> => (set) => ({
  library: { videos: [], jobs: [], selectedVideoId: null, selectionByUser: false, decoder: 'auto', pipeline: DEFAULT_PIPELINE, demo: null },
  setLibrary(patch) {
    set((s) => ({ library: { ...s.library, ...patch } }) as Partial<S>);
  },
  updateJob(id, patch) {
    set((s) => {
      const others = s.library.jobs.filter((j) => j.id !== id);
      const current = s.library.jobs.find((j) => j.id === id);
      const jobs = patch === null ? others : current ? s.library.jobs.map((j) => (j.id === id ? { ...j, ...patch } : j)) : [...others, patch as ImportJob];
      return { library: { ...s.library, jobs } } as Partial<S>;
    });
  },
});
