import type { SequenceLayout } from '../../core/train/config';
import type { SftQuestionForm } from '../../core/train/sftSynthesis';

/** How the Train page and Reproduce name the sequence layouts (docs/training.md, "Layout"). */
export const LAYOUT_LABELS: Record<SequenceLayout, string> = {
  'clips-first': 'clips, then question (default)',
  'question-twice': 'question, clips, question',
};

/** How the Train page and Reproduce name the SFT questions' wordings (docs/training.md, "SFT questions"). */
export const SFT_QUESTION_LABELS: Record<SftQuestionForm, string> = {
  anchored: 'anchored to the clip’s scene (default)',
  'clip-only': 'without the scene, where the oracle can',
  both: 'both wordings, two samples',
};
