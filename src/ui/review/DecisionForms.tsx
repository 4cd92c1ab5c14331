import { useState } from 'react';
import { FLAG_REASONS, type FlagReason, type TripleEdit } from '../../core/review/decisions';
import type { Triple } from '../../core/triples/types';

/** Edit form: question, chosen, rejected and (Stage 1) the anchor. Ctrl+Enter saves, Escape cancels. */
export function EditForm({ triple, onSave, onCancel }: { triple: Triple; onSave: (edit: TripleEdit) => void; onCancel: () => void }) {
  const [question, setQuestion] = useState(triple.question);
  const [chosen, setChosen] = useState(triple.chosen);
  const [rejected, setRejected] = useState(triple.rejected);
  const [anchor, setAnchor] = useState(triple.anchor_index !== undefined ? triple.anchor_index + 1 : 0);
  const save = () => onSave({ question, chosen, rejected, ...(triple.anchor_index !== undefined ? { anchor_index: anchor - 1 } : {}) });
  return (
    <form
      className="card review-form"
      aria-label="Edit the triple"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          save();
        }
      }}
    >
      <h3>Edit (the original stays in the audit log)</h3>
      <label className="field">
        <span>Question</span>
        <textarea autoFocus rows={2} value={question} onChange={(e) => setQuestion(e.target.value)} />
      </label>
      <label className="field">
        <span>Chosen</span>
        <textarea rows={2} value={chosen} onChange={(e) => setChosen(e.target.value)} />
      </label>
      <label className="field">
        <span>Rejected</span>
        <textarea rows={2} value={rejected} onChange={(e) => setRejected(e.target.value)} />
      </label>
      {triple.anchor_index !== undefined ? (
        <label className="field">
          <span>Anchor clip (1–{triple.clips.length})</span>
          <input type="number" min={1} max={triple.clips.length} value={anchor} onChange={(e) => setAnchor(Number(e.target.value))} />
        </label>
      ) : null}
      <p className="row">
        <button type="submit">Save edit (Ctrl+Enter)</button>
        <button type="button" onClick={onCancel}>
          Cancel (Escape)
        </button>
      </p>
    </form>
  );
}

/** Flag form: a reason and a note. Enter in the note saves, Escape cancels. */
export function FlagForm({ onSave, onCancel }: { onSave: (reason: FlagReason, note: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState<FlagReason>('ambiguous_question');
  const [note, setNote] = useState('');
  return (
    <form
      className="card review-form"
      aria-label="Flag the triple"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(reason, note);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3>Flag</h3>
      <label className="field">
        <span>Reason</span>
        <select autoFocus value={reason} onChange={(e) => setReason(e.target.value as FlagReason)}>
          {(Object.keys(FLAG_REASONS) as FlagReason[]).map((r) => (
            <option key={r} value={r}>
              {FLAG_REASONS[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Note</span>
        <input type="text" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <p className="row">
        <button type="submit">Save flag (Enter)</button>
        <button type="button" onClick={onCancel}>
          Cancel (Escape)
        </button>
      </p>
    </form>
  );
}

export const SHORTCUTS: [string, string][] = [
  ['a', 'Accept the triple'],
  ['r', 'Reject the triple'],
  ['e', 'Edit question, answers or anchor (Ctrl+Enter saves)'],
  ['f', 'Flag with a reason and a note (Enter saves)'],
  ['j / k', 'Next / previous triple in the queue'],
  ['n', 'Next unreviewed triple'],
  ['u', 'Undo the last decision'],
  ['Shift+U', 'Redo'],
  ['p', 'Play or hide the selected clip'],
  ['/', 'Search the queue'],
  ['?', 'Show or hide this help'],
  ['Escape', 'Close a form or this help'],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="review-help" role="dialog" aria-modal="true" aria-labelledby="review-help-title" onClick={onClose}>
      <div className="card" onClick={(e) => e.stopPropagation()}>
        <h2 id="review-help-title">Review shortcuts</h2>
        <dl className="facts">
          {SHORTCUTS.map(([k, what]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">Keys 1–6 still switch sections. Shortcuts do nothing while you type in a field.</p>
        <button type="button" autoFocus onClick={onClose}>
          Close (Escape)
        </button>
      </div>
    </div>
  );
}
