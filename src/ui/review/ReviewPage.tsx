import { useEffect, useMemo, useState } from 'react';
import { filterQueue } from '../../core/review/queue';
import { act, adoptReviewFile, cancelFileWork, compareReviewFile, exportReviewed, exportReviewFile, loadReview, nextOpen, setReviewer, step, syncFilterFromLocation, undoRedo } from '../../state/reviewService';
import { useStudio } from '../../state/store';
import { EXPORT_FORMATS, type ExportFormat } from '../../state/synthService';
import { FileButton } from '../common/FileButton';
import { ProgressBar } from '../common/ProgressBar';
import { AgreementPanel } from './AgreementPanel';
import { EditForm, FlagForm, HelpOverlay } from './DecisionForms';
import { EmbeddingMap } from './EmbeddingMap';
import { QueuePanel } from './QueuePanel';
import { TripleView } from './TripleView';

type Overlay = 'none' | 'edit' | 'flag' | 'help';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function Tools() {
  const { busy, lastResult, fileProgress } = useStudio((s) => s.review);
  const [selection, setSelection] = useState<'accepted' | 'all'>('accepted');
  return (
    <section className="card" aria-labelledby="review-tools-title">
      <h2 id="review-tools-title">Exports and reviewers</h2>
      <p className="row">
        <label className="field">
          <span>Export</span>
          <select value={selection} onChange={(e) => setSelection(e.target.value as 'accepted' | 'all')}>
            <option value="accepted">accepted and edited triples (edits applied)</option>
            <option value="all">every triple (edits applied)</option>
          </select>
        </label>
        {(Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((f) => (
          <button key={f} type="button" disabled={busy !== null} onClick={() => void exportReviewed(f, selection)}>
            Export {EXPORT_FORMATS[f].label}
          </button>
        ))}
      </p>
      <p className="row">
        <button type="button" onClick={() => void exportReviewFile()}>
          Export my review file
        </button>
        <FileButton inputLabel="Compare with a review file" accept=".jsonl" multiple={false} onFiles={(files) => void compareReviewFile(files[0]!)}>
          Compare with a reviewer…
        </FileButton>
        <FileButton inputLabel="Adopt a review file" accept=".jsonl" multiple={false} onFiles={(files) => void adoptReviewFile(files[0]!)}>
          Adopt a review file…
        </FileButton>
        {busy ? <span className="muted">{busy}</span> : null}
      </p>
      {fileProgress ? <ProgressBar progress={fileProgress} label="Review file or export" onCancel={cancelFileWork} /> : null}
      {lastResult ? (
        <p role="status" data-testid="review-result">
          {lastResult}
        </p>
      ) : null}
    </section>
  );
}

/** Review (issue #11): the queue, the open triple, decisions by keyboard, exports, agreement. */
export function ReviewPage() {
  const r = useStudio((s) => s.review);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const visible = useMemo(() => filterQueue(r.items, r.filter), [r.items, r.filter]);
  const current = r.items.find((i) => i.triple.id === r.currentId);

  useEffect(() => {
    void loadReview();
    addEventListener('hashchange', syncFilterFromLocation);
    return () => removeEventListener('hashchange', syncFilterFromLocation);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && overlay !== 'none') {
        setOverlay('none');
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || overlay === 'edit' || overlay === 'flag') return;
      if (e.key === '?') {
        setOverlay(overlay === 'help' ? 'none' : 'help');
        e.preventDefault();
        return;
      }
      if (overlay === 'help') return;
      const commands: Record<string, () => void> = {
        a: () => void act({ kind: 'accept' }),
        r: () => void act({ kind: 'reject' }),
        e: () => current && setOverlay('edit'),
        f: () => current && setOverlay('flag'),
        j: () => step(1),
        k: () => step(-1),
        n: () => nextOpen(),
        u: () => void undoRedo('undo'),
        U: () => void undoRedo('redo'),
        p: () => dispatchEvent(new Event('review:play')),
        '/': () => document.querySelector<HTMLInputElement>('.review-filters input[type=search]')?.focus(),
      };
      const command = commands[e.key];
      if (command) {
        command();
        e.preventDefault();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [overlay, current]);

  return (
    <section aria-labelledby="review-title" className="review-page">
      <h1 id="review-title">Review</h1>
      <p className="lead">
        Audit every triple before it trains a model. Keyboard: <kbd>a</kbd> accept, <kbd>r</kbd> reject, <kbd>e</kbd> edit, <kbd>f</kbd> flag, <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>n</kbd> next unreviewed, <kbd>u</kbd> undo, <kbd>Shift+U</kbd> redo, <kbd>?</kbd> all shortcuts.
      </p>
      <p className="row">
        <label className="field">
          <span>Reviewer</span>
          <input type="text" value={r.reviewer} placeholder="your name" onChange={(e) => void setReviewer(e.target.value)} />
        </label>
        <span className="muted" data-testid="audit-count">
          {r.auditCount} actions in the audit log
        </span>
      </p>
      {!r.loaded ? (
        <p className="muted">Loading the triples…</p>
      ) : r.items.length === 0 ? (
        <p className="card">No triples to review yet: synthesize them (Synthesize → Stage 1 or Stage 2) or import a triples file there.</p>
      ) : (
        <div className="review-grid">
          <QueuePanel all={r.items} visible={visible} filter={r.filter} currentId={r.currentId} />
          <div>
            {overlay === 'edit' && current ? (
              <EditForm
                triple={current.triple}
                onCancel={() => setOverlay('none')}
                onSave={(edit) =>
                  void act({ kind: 'edit', edit }).then((ok) => {
                    if (ok) setOverlay('none');
                  })
                }
              />
            ) : null}
            {overlay === 'flag' && current ? (
              <FlagForm
                onCancel={() => setOverlay('none')}
                onSave={(reason, note) =>
                  void act({ kind: 'flag', reason, note }).then((ok) => {
                    if (ok) setOverlay('none');
                  })
                }
              />
            ) : null}
            {current ? <TripleView key={current.triple.id} triple={current.triple} review={current.review} audit={r.audit} /> : <p className="card muted">No triple matches the filters.</p>}
          </div>
        </div>
      )}
      {r.items.length > 0 ? <EmbeddingMap items={r.items} /> : null}
      {r.comparison ? <AgreementPanel comparison={r.comparison} /> : null}
      {r.items.length > 0 ? <Tools /> : null}
      {overlay === 'help' ? <HelpOverlay onClose={() => setOverlay('none')} /> : null}
    </section>
  );
}
