import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { QUEUE_STATUSES } from '../../core/review/decisions';
import { facets, QUEUE_SORTS, statusOf, type QueueFilter, type QueueItem, type QueueSort } from '../../core/review/queue';
import { openTriple, setFilter } from '../../state/reviewService';

const ROW_PX = 58;

function Select({ label, value, options, onChange }: { label: string; value: string | undefined; options: readonly string[]; onChange: (v: string | undefined) => void }) {
  return (
    <label className="field">
      <span>{label}</span>
      <select aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters({ filter, all }: { filter: QueueFilter; all: readonly QueueItem[] }) {
  const f = useMemo(() => facets(all.map((i) => i.triple)), [all]);
  const set = (patch: Partial<QueueFilter>) => {
    const next: QueueFilter = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof QueueFilter)[]) if (next[k] === undefined) delete next[k];
    setFilter(next);
  };
  return (
    <div className="review-filters" role="group" aria-label="Queue filters">
      <Select label="Stage" value={filter.stage === undefined ? undefined : String(filter.stage)} options={['1', '2']} onChange={(v) => set({ stage: v === undefined ? undefined : (Number(v) as 1 | 2) })} />
      <Select label="Status" value={filter.status} options={QUEUE_STATUSES} onChange={(v) => set({ status: v as QueueFilter['status'] })} />
      <Select label="Task type" value={filter.taskType} options={f.taskTypes} onChange={(v) => set({ taskType: v })} />
      <Select label="Rejected strategy" value={filter.strategy} options={f.strategies} onChange={(v) => set({ strategy: v })} />
      <Select label="Generator" value={filter.generator} options={f.generators} onChange={(v) => set({ generator: v })} />
      <Select label="Source video" value={filter.video} options={f.videos} onChange={(v) => set({ video: v })} />
      <label className="field">
        <span>Max distractor similarity ≥</span>
        <input type="number" min={-1} max={1} step={0.05} value={filter.minSimilarity ?? ''} onChange={(e) => set({ minSimilarity: e.target.value === '' || !Number.isFinite(Number(e.target.value)) ? undefined : Number(e.target.value) })} />
      </label>
      <label className="field">
        <span>Search</span>
        <input type="search" value={filter.text ?? ''} placeholder="words in question or answers" onChange={(e) => set({ text: e.target.value || undefined })} />
      </label>
      <label className="field">
        <span>Sort</span>
        <select value={filter.sort ?? 'stored'} onChange={(e) => set({ sort: e.target.value as QueueSort })}>
          {(Object.keys(QUEUE_SORTS) as QueueSort[]).map((k) => (
            <option key={k} value={k}>
              {QUEUE_SORTS[k]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The filtered queue, virtualised (only the rows in view are in the DOM). */
export function QueuePanel({ all, visible, filter, currentId }: { all: readonly QueueItem[]; visible: readonly QueueItem[]; filter: QueueFilter; currentId: string | null }) {
  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns functions React Compiler cannot memoise; this component opts out.
  // eslint-disable-next-line react-hooks/incompatible-library
  const list = useVirtualizer({ count: visible.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 6 });
  const at = visible.findIndex((i) => i.triple.id === currentId);
  useEffect(() => {
    if (at >= 0) list.scrollToIndex(at, { align: 'auto' });
  }, [at, list]);
  const reviewed = all.filter((i) => i.review).length;
  return (
    <section className="card review-queue" aria-labelledby="queue-title">
      <h2 id="queue-title">Queue</h2>
      <Filters filter={filter} all={all} />
      <p className="muted" data-testid="queue-count">
        {visible.length} of {all.length} triples shown · {reviewed} reviewed
      </p>
      <div ref={scroller} className="queue-list" data-testid="queue-list" aria-label="Triples in the queue (scrolls)">
        <div role="listbox" aria-label="Triples" style={{ height: list.getTotalSize(), position: 'relative' }}>
          {list.getVirtualItems().map((row) => {
            const item = visible[row.index];
            if (!item) return null;
            const t = item.triple;
            const status = statusOf(item.review);
            return (
              <div
                key={t.id}
                role="option"
                aria-selected={t.id === currentId}
                data-testid="queue-row"
                data-status={status}
                className={`queue-row status-${status}${t.id === currentId ? ' current' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_PX, transform: `translateY(${row.start}px)` }}
                onClick={() => void openTriple(t.id)}
              >
                <span className="queue-status">{status}</span> <span className="muted">S{t.stage} · {t.task_type.replace(/_/g, ' ')}</span>
                <br />
                <span className="queue-question">{item.review?.edit?.question ?? t.question}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
