import { useStudio } from '../../state/store';

/** Every user-facing error goes through here: role="alert" (warnings: role="status"), message + what to do. */
export function Notices() {
  const notices = useStudio((s) => s.notices);
  const dismiss = useStudio((s) => s.dismissNotice);
  const dismissAll = useStudio((s) => s.dismissAllNotices);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.length > 1 ? (
        <button type="button" className="notices-clear" onClick={dismissAll}>
          Dismiss all ({notices.length})
        </button>
      ) : null}
      {notices.map((n) => (
        <div key={n.id} role={n.level === 'error' ? 'alert' : 'status'} className={`notice notice-${n.level}`}>
          <div>
            <strong>{n.title}</strong>
            <p>{n.message}</p>
            <p className="hint">{n.hint}</p>
          </div>
          <button type="button" aria-label={`Dismiss: ${n.title}`} onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
