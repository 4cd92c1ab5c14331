// Test-only builders of valid triples (issue #5). Other tests may use them; keep them small.
// Must: every triple built here passes validateTriple (validate.test.ts checks it).

import { conversationalPrompt, TRIPLE_SCHEMA_VERSION, type Triple, type TripleClip } from './types';

function clip(video: string, startS: number, endS: number, role: TripleClip['role']): TripleClip {
  return { id: `${video}:${startS}-${endS}`, video, video_name: `${video}.webm`, start_s: startS, end_s: endS, frames: endS - startS, role };
}

/** A Stage 1 triple (anchor at index 1 of 3 clips), or Stage 2 (4 scenes, 2 cited) with `stage: 2`. */
export function exampleTriple(overrides: Partial<Triple> & { stage?: 1 | 2 } = {}): Triple {
  const stage = overrides.stage ?? 1;
  const question = overrides.question ?? (stage === 1 ? 'What colour is the ball that rolls left?' : 'What appears right after the red ball?');
  const clips =
    stage === 1
      ? [clip('world-v001', 0, 8, 'distractor'), clip('world-v002', 8, 16, 'anchor'), clip('world-v003', 16, 24, 'distractor')]
      : [0, 1, 2, 3].map((k) => clip('world-v010', k * 8, k * 8 + 8, 'scene'));
  const base: Triple = {
    id: stage === 1 ? 's1-000001' : 's2-000001',
    stage,
    task_type: stage === 1 ? 'anchored_qa' : 'temporal_order',
    video: clips.map((c) => c.id),
    clips,
    ...(stage === 1 ? { anchor_index: 1 } : { relevant_clips: [0, 2], reasoning: 'Scene #1 shows the red ball; Scene #3 shows the blue cube.' }),
    question,
    chosen: stage === 1 ? 'The ball is red.' : 'A blue cube.',
    rejected: stage === 1 ? 'The ball is green.' : 'A yellow cone.',
    rejected_strategy: stage === 1 ? 'distractor_answer' : 'partial_evidence',
    prompt: conversationalPrompt(question),
    filters: stage === 1 ? { max_distractor_similarity: 0.42, similarity_threshold: 0.6, replaced_distractors: 0, embedder: 'mobilenet_v3_small' } : {},
    provenance: {
      generator: 'oracle',
      model: 'demo-oracle',
      prompt_id: stage === 1 ? 'anchored-qa' : 'cross-scene',
      prompt_version: 1,
      seed: 42,
      schema_version: TRIPLE_SCHEMA_VERSION,
      synthesis: stage === 1 ? 'stage1@1' : 'stage2@1',
      created_at: '2026-11-24T14:20:00.000Z',
    },
  };
  return { ...base, ...overrides };
}

/** `n` valid triples with distinct ids, alternating stages. */
export function exampleTriples(n: number): Triple[] {
  return Array.from({ length: n }, (_, i) => {
    const stage = i % 2 === 0 ? 1 : 2;
    return exampleTriple({ stage, id: `t-${String(i).padStart(6, '0')}`, question: `Question ${i}: what happens in the clip?` });
  });
}

/** Marks a field `withChanges` deletes. */
export const REMOVE = Symbol('remove');

/**
 * A plain-JSON copy of `base` with each `path → value` written (or removed with REMOVE), so tests
 * can write values of any wrong type: `withChanges(t, { 'clips.1.start_s': 'abc', question: REMOVE })`.
 */
export function withChanges(base: unknown, changes: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as unknown;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    const parent = keys.reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], copy) as Record<string, unknown>;
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
  }
  return copy;
}
