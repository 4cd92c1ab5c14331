import type { Progress } from '../../workers/rpc';

/** Progress of long work: role="progressbar" with a readable label; Cancel when it can stop. */
export function ProgressBar({ progress, label, onCancel }: { progress: Progress | null; label: string; onCancel?: () => void }) {
  const total = progress?.total ?? 0;
  const done = progress?.done ?? 0;
  const pct = total > 0 ? Math.round((100 * done) / total) : undefined;
  return (
    <div className="progress">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct === undefined ? {} : { 'aria-valuenow': pct })}
        aria-valuetext={progress ? `${progress.label} (${done}/${total})` : label}
        className="progress-track"
      >
        <div className="progress-fill" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <span className="progress-label">{progress ? `${progress.label} — ${done}/${total}` : label}</span>
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
