import type { SequenceLayout } from '../../core/train/config';

/** How the Train page and Reproduce name the sequence layouts (docs/training.md, "Layout"). */
export const LAYOUT_LABELS: Record<SequenceLayout, string> = {
  'clips-first': 'clips, then question (default)',
  'question-twice': 'question, clips, question',
};
