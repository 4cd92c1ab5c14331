import { Fragment, useEffect, useState } from 'react';
import { fpsOfSamplingKey } from '../../core/pipeline';
import { FLAG_REASONS, applyReview, type Review } from '../../core/review/decisions';
import { wordDiff, type DiffPart } from '../../core/review/wordDiff';
import type { Triple } from '../../core/triples/types';
import type { AuditEventRecord } from '../../storage/schema';
import { anchorSimilarities } from '../../state/reviewService';
import { useStudio } from '../../state/store';
import { ClipPlayer } from '../library/ClipPlayer';
import { clipForPlayback, clipThumbnail } from './thumbnails';

function Thumb({ clipId, videoId }: { clipId: string; videoId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void clipThumbnail(clipId, videoId).then((u) => {
      if (live) setUrl(u);
    });
    return () => {
      live = false;
    };
  }, [clipId, videoId]);
  return url ? <img src={url} alt="" width={64} height={64} /> : <span className="thumb-empty" />;
}

/** The composite in playback order: anchor / cited scenes highlighted; click a clip to play it. */
export function Timeline({ triple, selected, onSelect, similarities }: { triple: Triple; selected: number; onSelect: (i: number) => void; similarities: number[] | null }) {
  const cited = new Set(triple.relevant_clips ?? []);
  const threshold = triple.filters.similarity_threshold;
  return (
    <ol className="review-timeline" aria-label="Clips of the composite, in order">
      {triple.clips.map((c, i) => {
        const key = c.role === 'anchor' || cited.has(i);
        const sim = c.role === 'distractor' ? similarities?.[i] : undefined;
        const simText = sim !== undefined && Number.isFinite(sim) ? `cos ${sim.toFixed(2)}` : '';
        const label = `${i + 1}. ${triple.stage === 2 ? `Scene #${i + 1}` : c.role}${cited.has(i) ? ' (cited)' : ''}: ${c.video_name} ${c.start_s.toFixed(0)}–${c.end_s.toFixed(0)} s${simText ? `, similarity to the anchor ${simText.slice(4)}` : ''}`;
        return (
          <li key={`${c.id}-${i}`}>
            <button type="button" className={`timeline-clip${key ? ' key' : ''}${i === selected ? ' selected' : ''}`} data-role={c.role} aria-pressed={i === selected} aria-label={label} title={label} onClick={() => onSelect(i)}>
              <Thumb clipId={c.id} videoId={c.video} />
              <span>{triple.stage === 2 ? `#${i + 1}` : c.role === 'anchor' ? 'anchor' : i + 1}</span>
              {simText ? (
                <span className={`clip-sim${threshold !== undefined && sim !== undefined && sim > threshold ? ' over' : ''}`} data-testid="distractor-similarity">
                  {simText}
                </span>
              ) : null}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

function Player({ triple, index }: { triple: Triple; index: number }) {
  const c = triple.clips[index];
  const [state, setState] = useState<{ id: string; found: Awaited<ReturnType<typeof clipForPlayback>> } | null>(null);
  useEffect(() => {
    let live = true;
    if (c)
      void clipForPlayback(c.id, c.video).then((found) => {
        if (live) setState({ id: c.id, found });
      });
    return () => {
      live = false;
    };
  }, [c]);
  if (!c || state?.id !== c.id) return <p className="muted">Loading the clip…</p>;
  if (!state.found) return <p className="muted">This clip&apos;s video is not in the library, so it cannot be played (its triple still reviews as text).</p>;
  return <ClipPlayer key={c.id} video={state.found.video} clip={state.found.clip} fps={fpsOfSamplingKey(state.found.video.samplingKey)} />;
}

function Diff({ parts, side }: { parts: DiffPart[]; side: 'chosen' | 'rejected' }) {
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 ? ' ' : ''}
          {p.kind === 'only' ? <mark className={`diff-${side}`}>{p.text}</mark> : p.text}
        </Fragment>
      ))}
    </>
  );
}

/** Reasoning text with each "Scene #N" as a button that selects that scene on the timeline. */
function Reasoning({ text, onScene, count }: { text: string; onScene: (i: number) => void; count: number }) {
  const parts = text.split(/(Scene #\d+)/g);
  return (
    <p data-testid="review-reasoning">
      {parts.map((p, i) => {
        const m = /^Scene #(\d+)$/.exec(p);
        const n = m ? Number(m[1]) : 0;
        return m && n >= 1 && n <= count ? (
          <button key={i} type="button" className="link" onClick={() => onScene(n - 1)}>
            {p}
          </button>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        );
      })}
    </p>
  );
}

const STATUS_TEXT: Record<Review['status'], string> = { accepted: 'Accepted', rejected: 'Rejected', edited: 'Edited', flagged: 'Flagged' };

export function reviewSummary(r: Review | undefined): string {
  if (!r) return 'Unreviewed';
  const flag = r.flag ? `: ${FLAG_REASONS[r.flag.reason]}${r.flag.note ? ` — ${r.flag.note}` : ''}` : '';
  return `${STATUS_TEXT[r.status]}${flag} by ${r.reviewer}, ${new Date(r.at).toLocaleString()}`;
}

function AuditLog({ events }: { events: AuditEventRecord[] }) {
  if (events.length === 0) return <p className="muted">No actions on this triple yet.</p>;
  return (
    <ol className="audit-log" data-testid="audit-log">
      {events.map((e) => (
        <li key={e.seq} data-action={e.action}>
          #{e.seq} {new Date(e.at).toLocaleTimeString()} · {e.actor} · <strong>{e.action}</strong>: {e.before?.status ?? 'unreviewed'} → {e.after?.status ?? 'unreviewed'}
          {e.after?.status === 'edited' && e.after.original ? <span className="muted"> (original kept: {Object.keys(e.after.original).join(', ')})</span> : null}
          {e.detail ? <span className="muted"> · {Object.entries(e.detail).map(([k, v]) => `${k} ${v}`).join(', ')}</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** One triple as the reviewer sees it: timeline, question, answers with their differences, filters, provenance, log. */
export function TripleView({ triple, review, audit }: { triple: Triple; review: Review | undefined; audit: AuditEventRecord[] }) {
  const shown = applyReview(triple, review);
  const [selected, setSelected] = useState(shown.anchor_index ?? shown.relevant_clips?.[0] ?? 0);
  const [playing, setPlaying] = useState(false);
  const [similarities, setSimilarities] = useState<{ key: string; scores: number[] } | null>(null);
  const [similarityError, setSimilarityError] = useState<string | null>(null);
  const simKey = `${shown.id}|${shown.anchor_index ?? ''}`;
  // The worker's tensor ops need the backend chosen at start-up: ask only once it is ready.
  const computeReady = useStudio((s) => s.compute.status === 'ready');
  useEffect(() => {
    let live = true;
    if (!computeReady) return;
    void anchorSimilarities(shown)
      ?.then((scores) => {
        if (live) setSimilarities({ key: simKey, scores });
      })
      .catch((e: unknown) => {
        // The maximum in the filters stays shown; say why the per-clip values are missing.
        if (live) setSimilarityError(e instanceof Error ? e.message.split('\n')[0]! : 'unknown error');
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `shown` changes identity per render; simKey names it
  }, [simKey, computeReady]);
  useEffect(() => {
    // `p` (page shortcut) toggles playback of the selected clip.
    const onPlay = () => setPlaying((p) => !p);
    addEventListener('review:play', onPlay);
    return () => removeEventListener('review:play', onPlay);
  }, []);
  const diff = wordDiff(shown.chosen, shown.rejected);
  const f = shown.filters;
  const p = shown.provenance;
  return (
    <article className="card review-triple" data-testid="review-triple" data-triple-id={triple.id} aria-label={`Triple ${triple.id}`}>
      <header className="muted">
        Stage {shown.stage} · {shown.task_type.replace(/_/g, ' ')} · {shown.clips.length} clips · rejected by {shown.rejected_strategy.replace(/_/g, ' ')} · <code>{shown.id}</code>
      </header>
      <p data-testid="review-status" data-status={review?.status ?? 'unreviewed'}>
        <strong>{reviewSummary(review)}</strong>
      </p>
      <Timeline
        triple={shown}
        similarities={similarities?.key === simKey ? similarities.scores : null}
        selected={selected}
        onSelect={(i) => {
          setSelected(i);
          setPlaying(true);
        }}
      />
      {similarityError ? <p className="muted">Similarities to the anchor are not available: {similarityError}</p> : null}
      <p className="row">
        <button type="button" onClick={() => setPlaying((x) => !x)} aria-keyshortcuts="p">
          {playing ? 'Hide player' : `Play clip ${selected + 1}`} (p)
        </button>
      </p>
      {playing ? <Player triple={shown} index={selected} /> : null}
      <h3 className="review-question" data-testid="review-question">
        {shown.question}
      </h3>
      <div className="answers">
        <section aria-label="Chosen answer">
          <h4>Chosen</h4>
          <p data-testid="review-chosen">
            <Diff parts={diff.a} side="chosen" />
          </p>
        </section>
        <section aria-label="Rejected answer">
          <h4>Rejected</h4>
          <p data-testid="review-rejected">
            <Diff parts={diff.b} side="rejected" />
          </p>
        </section>
      </div>
      {review?.status === 'edited' && review.original ? (
        <details>
          <summary>Original text (before the edit)</summary>
          <dl className="facts">
            {Object.entries(review.original).map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd>{k === 'anchor_index' ? `clip ${Number(v) + 1}` : String(v)}</dd>
              </Fragment>
            ))}
          </dl>
        </details>
      ) : null}
      {shown.reasoning ? <Reasoning text={shown.reasoning} count={shown.clips.length} onScene={setSelected} /> : null}
      <dl className="facts">
        {f.max_distractor_similarity !== undefined ? (
          <>
            <dt>Max distractor similarity</dt>
            <dd>
              {f.max_distractor_similarity.toFixed(3)} (threshold {f.similarity_threshold?.toFixed(2) ?? '—'}, {f.replaced_distractors ?? 0} replaced, {f.embedder ?? 'embedder unknown'})
            </dd>
          </>
        ) : null}
        {f.specificity ? (
          <>
            <dt>Specificity judge</dt>
            <dd>
              {f.specificity.specific ? 'specific' : 'not specific'}: {f.specificity.reason}
            </dd>
          </>
        ) : null}
        <dt>Provenance</dt>
        <dd>
          {p.generator} · {p.model} · prompt {p.prompt_id} v{p.prompt_version} · seed {p.seed} · {p.synthesis} · {p.created_at}
        </dd>
      </dl>
      <h4>Audit log of this triple</h4>
      <AuditLog events={audit} />
    </article>
  );
}
