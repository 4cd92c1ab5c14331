import type { Triple } from '../../core/triples/types';

/** The video's scenes as a strip: cited scenes (the relevance chain) highlighted, the rejected answer's context outlined. */
export function SceneStrip({ triple }: { triple: Triple }) {
  const cited = new Set(triple.relevant_clips ?? []);
  const context = new Set(triple.filters.rejected_context ?? []);
  const total = triple.clips.reduce((s, c) => s + (c.end_s - c.start_s), 0) || 1;
  return (
    <div className="scene-strip" role="list" aria-label="Scenes of the video">
      {triple.clips.map((c, k) => {
        const state = [cited.has(k) ? 'cited' : '', context.has(k) ? 'given to the rejected answer' : ''].filter(Boolean).join(', ');
        return (
          <span
            key={c.id}
            role="listitem"
            className={`strip-scene${cited.has(k) ? ' cited' : ''}${context.has(k) ? ' rejected-context' : ''}`}
            style={{ flexGrow: c.end_s - c.start_s, flexBasis: `${(100 * (c.end_s - c.start_s)) / total}%` }}
            data-cited={cited.has(k) ? 'true' : 'false'}
            aria-label={`Scene #${k + 1}${state ? `, ${state}` : ''}`}
            title={triple.scene_captions?.[k]?.text}
          >
            #{k + 1}
          </span>
        );
      })}
    </div>
  );
}

const STRATEGY = { partial_evidence: 'partial evidence', irrelevance: 'irrelevance', distractor_answer: 'distractor answer' } as const;

/** The first triples of the last run: question, reasoning, chosen and rejected, and the scene strip. */
export function Stage2Preview({ triples }: { triples: Triple[] }) {
  if (triples.length === 0) return null;
  return (
    <>
      <h3>Preview</h3>
      <ol className="stage2-preview">
        {triples.map((t) => (
          <li key={t.id} data-testid="stage2-preview-row">
            <p>
              <strong>{t.question}</strong> <span className="muted">({t.task_type.replace(/_/g, ' ')}, rejected by {STRATEGY[t.rejected_strategy]})</span>
            </p>
            <SceneStrip triple={t} />
            <p className="muted">Reasoning: {t.reasoning}</p>
            <p>Chosen: {t.chosen}</p>
            <p>Rejected: {t.rejected}</p>
          </li>
        ))}
      </ol>
    </>
  );
}
