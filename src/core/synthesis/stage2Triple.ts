// Stage 2 triples (docs/stage2.md, DESIGN.md §5): a kept query turned into a Triple — every scene
// of the video as the long input, the cited scenes as `relevant_clips`, the degraded context of
// the rejected answer, the recursive captions with their provenance.
//
// Must: a Triple is a pure function of the draft and the settings; its id depends only on seed,
// video and normalised question. Must: bump STAGE2_SYNTHESIS when the same inputs would give
// different triples.

import type { CrossSceneQuery, Generated, Provenance } from '../generators/types';
import { conversationalPrompt, TRIPLE_SCHEMA_VERSION, type RejectedStrategy, type TextProvenance, type Triple, type TripleClip } from '../triples/types';
import { seedFrom } from '../world/random';
import type { DegradedAnswers } from '../world/stage2';
import type { SceneCaptionRecord, Stage2Settings, Stage2Video } from './stage2Settings';
import { normalizeText } from './stage1Triple';

export const STAGE2_SYNTHESIS = 'stage2@1';

export type Stage2Strategy = Extract<RejectedStrategy, 'partial_evidence' | 'irrelevance'>;

export function stage2TripleId(seed: number, videoId: string, question: string, rejectedForm: DegradedAnswers = 'honest'): string {
  const q = normalizeText(question);
  // Honest ids are as they always were; guessed y− salts them.
  const hex = (salt: string): string => seedFrom(rejectedForm === 'guess' ? `${salt}-guess` : salt, seed, videoId, q).toString(16).padStart(8, '0');
  return `s2-${hex('stage2-id-a')}${hex('stage2-id-b')}`;
}

/** A query that passed every check. Scene numbers are 0-based indices into the video's scenes. */
export interface Stage2Draft {
  video: Stage2Video;
  captions: readonly SceneCaptionRecord[];
  query: Generated<CrossSceneQuery>;
  relevant: number[];
  chosen: Generated<string>;
  strategy: Stage2Strategy;
  context: number[];
  rejected: Generated<string>;
}

function snake(p: Provenance): TextProvenance {
  return { generator: p.generator, model: p.model, prompt_id: p.promptId, prompt_version: p.promptVersion };
}

export function buildStage2Triple(settings: Stage2Settings, d: Stage2Draft): Triple {
  const clips: TripleClip[] = d.video.scenes.map((s) => ({
    id: s.id,
    video: s.videoId,
    video_name: s.videoName,
    start_s: s.startS,
    end_s: s.endS,
    frames: Math.max(1, Math.min(settings.framesPerScene, s.frameCount)),
    role: 'scene',
  }));
  const q = d.query.value;
  const p = d.query.provenance;
  return {
    id: stage2TripleId(settings.seed, d.video.videoId, q.question, settings.rejectedForm),
    stage: 2,
    task_type: q.taskType,
    video: clips.map((c) => c.id),
    clips,
    relevant_clips: [...d.relevant],
    question: q.question,
    chosen: d.chosen.value,
    rejected: d.rejected.value,
    rejected_strategy: d.strategy,
    prompt: conversationalPrompt(q.question),
    filters: { rejected_context: [...d.context] },
    reasoning: q.reasoning,
    scene_captions: d.captions.map((c) => ({ text: c.text, ...snake(c.provenance), ...(c.edited && { edited: true }) })),
    provenance: {
      generator: p.generator,
      model: p.model,
      prompt_id: p.promptId,
      prompt_version: p.promptVersion,
      seed: settings.seed,
      schema_version: TRIPLE_SCHEMA_VERSION,
      synthesis: STAGE2_SYNTHESIS,
      created_at: settings.createdAt,
      texts: { question: snake(p), reasoning: snake(p), chosen: snake(d.chosen.provenance), rejected: snake(d.rejected.provenance) },
    },
  };
}
