// The studio's sections, in navigation order. Keys 1–6 jump to them.

export const SECTIONS = [
  {
    id: 'library',
    label: 'Library',
    summary: 'Your videos: import, decode, frames, embeddings, clips and scenes.',
    plan: [
      'Import videos by file picker or drag and drop (mp4, mov, mkv, webm, avi); probe duration, codec, resolution.',
      'Decode in a worker with WebCodecs where it can, ffmpeg.wasm otherwise; sample frames at 1 fps.',
      'Frame embeddings on the chosen backend, clips and scenes, nearest clips by cosine similarity.',
    ],
  },
  {
    id: 'synthesize',
    label: 'Synthesize',
    summary: 'Build LongVPO preference triples from clips and long videos.',
    plan: [
      'Stage 1: anchor clip + distractors up to a frame budget, balanced anchor positions, similarity and specificity filters.',
      'Stage 2: recursive scene captions, cross-scene queries with relevance chains, partial-evidence and irrelevance negatives.',
      'Progress, cancel, filter counts and a preview of samples.',
    ],
  },
  {
    id: 'review',
    label: 'Review',
    summary: 'Audit triples visually, by keyboard, with an audit trail.',
    plan: ['Side-by-side clips, question, chosen and rejected answers.', 'Accept / reject / flag by keyboard; every action is logged.'],
  },
  {
    id: 'train',
    label: 'Train',
    summary: 'Fine-tune a small policy with DPO in the browser.',
    plan: [
      'SFT on short clips, then Stage 1 (anchor-only reference) and Stage 2 DPO, with TRL metric names.',
      'Loss curves, checkpoints in IndexedDB, exact resume.',
    ],
  },
  {
    id: 'evaluate',
    label: 'Evaluate',
    summary: 'Measure what DPO changed on long-video questions.',
    plan: ['Accuracy by task type and anchor position, before and after each stage.'],
  },
  {
    id: 'settings',
    label: 'Settings',
    summary: 'Compute backend, diagnostics and storage.',
    plan: [],
  },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

export function isSectionId(value: string): value is SectionId {
  return SECTIONS.some((s) => s.id === value);
}
