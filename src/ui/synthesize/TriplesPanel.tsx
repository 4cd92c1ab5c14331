import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { Triple } from '../../core/triples/types';
import { useStudio } from '../../state/store';
import { FileButton } from '../common/FileButton';
import { deleteStoredTriples, EXPORT_FORMATS, exportTriples, importTripleFiles, type ExportFormat } from '../../state/synthService';

const ROW_PX = 132;

/** The composite as a strip of boxes: the anchor (or cited scenes) highlighted, in playback order. */
function CompositeStrip({ triple }: { triple: Triple }) {
  const relevant = new Set(triple.relevant_clips ?? []);
  return (
    <div className="composite" aria-label={`${triple.clips.length} clips; ${triple.anchor_index !== undefined ? `anchor at position ${triple.anchor_index + 1}` : `scenes ${[...relevant].map((i) => i + 1).join(', ')} cited`}`}>
      {triple.clips.map((c, i) => (
        <span
          key={`${c.id}-${i}`}
          className={`composite-clip ${c.role === 'anchor' || relevant.has(i) ? 'key' : ''}`}
          title={`${i + 1}. ${c.role}: ${c.video_name} ${c.start_s.toFixed(0)}–${c.end_s.toFixed(0)} s (${c.frames} frames)`}
        />
      ))}
    </div>
  );
}

function TripleRow({ triple }: { triple: Triple }) {
  const f = triple.filters;
  const anchor = triple.anchor_index !== undefined ? triple.clips[triple.anchor_index] : undefined;
  return (
    <article className="triple" data-testid="triple-row" data-stage={triple.stage} aria-label={`Triple ${triple.id}`}>
      <header className="muted">
        Stage {triple.stage} · {triple.task_type} · {triple.clips.length} clips
        {anchor ? ` · anchor ${anchor.video_name} ${anchor.start_s.toFixed(0)}–${anchor.end_s.toFixed(0)} s` : ''}
        {f.max_distractor_similarity !== undefined ? ` · max distractor cos ${f.max_distractor_similarity.toFixed(3)}` : ''}
        {f.specificity ? ` · ${f.specificity.specific ? 'specific' : 'not specific'}` : ''} · {triple.provenance.generator}
      </header>
      <CompositeStrip triple={triple} />
      <p className="q">
        <strong>Q:</strong> {triple.question}
      </p>
      <p className="chosen">
        <strong>Chosen:</strong> {triple.chosen}
      </p>
      <p className="rejected">
        <strong>Rejected:</strong> {triple.rejected}
      </p>
    </article>
  );
}

function Preview({ triples }: { triples: Triple[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns functions React Compiler cannot memoise; this component opts out.
  // eslint-disable-next-line react-hooks/incompatible-library
  const list = useVirtualizer({ count: triples.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 4 });
  return (
    <div ref={scroller} className="triple-list" tabIndex={0} aria-label="Preview of stored triples (scrolls)">
      <div role="list" style={{ height: list.getTotalSize(), position: 'relative' }}>
        {list.getVirtualItems().map((item) => {
          const t = triples[item.index];
          return t ? (
            <div key={t.id} role="listitem" data-index={item.index} ref={list.measureElement} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
              <TripleRow triple={t} />
            </div>
          ) : null;
        })}
      </div>
    </div>
  );
}

/** Stored triples: counts, export in three formats, import, delete, and a preview of the newest. */
export function TriplesPanel() {
  const { counts, preview, busy, lastImport, run } = useStudio((s) => s.synth);
  const total = counts.stage1 + counts.stage2;
  return (
    <section className="card" aria-labelledby="triples-title" data-testid="triples-panel">
      <h2 id="triples-title">Stored triples</h2>
      <p data-testid="triple-counts">
        {total} stored: {counts.stage1} Stage 1, {counts.stage2} Stage 2
      </p>
      <p className="row">
        {(Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((f) => (
          <button key={f} type="button" disabled={total === 0 || busy !== null} onClick={() => void exportTriples(f)}>
            Export {EXPORT_FORMATS[f].label}
          </button>
        ))}
      </p>
      <p className="row">
        <FileButton inputLabel="Import triple files" accept=".jsonl,.json" disabled={busy !== null || run !== null} onFiles={(files) => void importTripleFiles(files)}>
          Import triples…
        </FileButton>
        <button
          type="button"
          disabled={total === 0 || busy !== null || run !== null}
          onClick={() => {
            if (window.confirm(`Delete all ${total} stored triples? Reviews and the audit trail are kept.`)) void deleteStoredTriples();
          }}
        >
          Delete all triples
        </button>
        {busy ? <span className="muted">{busy}</span> : null}
      </p>
      {lastImport ? (
        <p role="status" data-testid="triples-import-result">
          {lastImport}
        </p>
      ) : null}
      <p className="muted">
        Formats: docs/triples.md. The TRL file loads with <code>datasets.load_dataset(&quot;json&quot;, …)</code> for <code>DPOTrainer</code>.
      </p>
      {preview.length > 0 ? <Preview triples={preview} /> : <p className="muted">No triples yet: set the parameters above and synthesize, or import a file.</p>}
    </section>
  );
}
