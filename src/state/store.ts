// One zustand store made of typed slices (zustand slices pattern). Services outside React write
// with `useStudio.setState` / the slice actions; components select what they render.
import { create, type StateCreator } from 'zustand';
import { toUserMessage, type UserMessage } from '../core/errors';
import type { BackendChoice, BackendName } from '../core/backendChoice';
import type { Progress } from '../workers/rpc';
import { createGeneratorsSlice, type GeneratorsSlice } from './generatorsSlice';
import { createLibrarySlice, type LibrarySlice } from './librarySlice';
import { isSectionId, type SectionId } from './sections';
import { createSynthSlice, type SynthSlice } from './synthSlice';
import { createReviewSlice, type ReviewSlice } from './reviewSlice';
import { createTrainSlice, type TrainSlice } from './trainSlice';
import { createEvalSlice, createReproduceSlice, type EvalSlice, type ReproduceSlice } from './evalSlice';

export interface RouteSlice {
  section: SectionId;
  navigate(section: SectionId): void;
}

export type ComputeStatus = 'starting' | 'probing' | 'ready' | 'error';

export interface ComputeSlice {
  compute: {
    status: ComputeStatus;
    choice: BackendChoice | null;
    override: BackendName | null;
    progress: Progress | null;
  };
  setCompute(patch: Partial<ComputeSlice['compute']>): void;
}

export interface Notice extends UserMessage {
  id: number;
  /** Errors are alerts; warnings (something worked, with a caveat) are status messages. */
  level: 'error' | 'warning';
}

export interface NoticesSlice {
  notices: Notice[];
  /** The single way to show an error to users (rendered as role="alert"). */
  reportError(title: string, error: unknown): void;
  /** Something worked with a caveat the user must know (e.g. a file that ends early). */
  reportWarning(message: UserMessage): void;
  dismissNotice(id: number): void;
  dismissAllNotices(): void;
}

/**
 * The notices after `notice` arrives: the same title and message again replaces the earlier one
 * (a retried failure is one notice, not a stack), and only the newest five are kept so a storm of
 * errors cannot bury the page.
 */
export function withNotice(notices: readonly Notice[], notice: Notice): Notice[] {
  return [...notices.filter((n) => n.title !== notice.title || n.message !== notice.message), notice].slice(-5);
}

export type StudioState = RouteSlice & ComputeSlice & NoticesSlice & LibrarySlice & GeneratorsSlice & SynthSlice & ReviewSlice & TrainSlice & EvalSlice & ReproduceSlice;

type Slice<T> = StateCreator<StudioState, [], [], T>;

function sectionFromHash(hash: string): SectionId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return isSectionId(id) ? id : 'library';
}

const createRouteSlice: Slice<RouteSlice> = (set) => ({
  section: typeof location === 'undefined' ? 'library' : sectionFromHash(location.hash),
  navigate(section) {
    if (typeof location !== 'undefined' && sectionFromHash(location.hash) !== section) location.hash = `#/${section}`;
    set({ section });
  },
});

const createComputeSlice: Slice<ComputeSlice> = (set) => ({
  compute: { status: 'starting', choice: null, override: null, progress: null },
  setCompute(patch) {
    set((s) => ({ compute: { ...s.compute, ...patch } }));
  },
});

let nextNoticeId = 1;
const createNoticesSlice: Slice<NoticesSlice> = (set) => ({
  notices: [],
  reportError(title, error) {
    const notice: Notice = { id: nextNoticeId++, level: 'error', ...toUserMessage(title, error) };
    set((s) => ({ notices: withNotice(s.notices, notice) }));
  },
  reportWarning(message) {
    const notice: Notice = { id: nextNoticeId++, level: 'warning', ...message };
    set((s) => ({ notices: withNotice(s.notices, notice) }));
  },
  dismissNotice(id) {
    set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
  },
  dismissAllNotices() {
    set({ notices: [] });
  },
});

export const useStudio = create<StudioState>()((...a) => ({
  ...createRouteSlice(...a),
  ...createComputeSlice(...a),
  ...createNoticesSlice(...a),
  ...createLibrarySlice<StudioState>()(...a),
  ...createGeneratorsSlice<StudioState>()(...a),
  ...createSynthSlice<StudioState>()(...a),
  ...createReviewSlice<StudioState>()(...a),
  ...createTrainSlice<StudioState>()(...a),
  ...createEvalSlice<StudioState>()(...a),
  ...createReproduceSlice<StudioState>()(...a),
}));

/** Keeps the route in step with the address bar (back/forward, typed URLs). */
export function syncRouteWithLocation(): () => void {
  const onHash = () => useStudio.setState({ section: sectionFromHash(location.hash) });
  addEventListener('hashchange', onHash);
  return () => removeEventListener('hashchange', onHash);
}
