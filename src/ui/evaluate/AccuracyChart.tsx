import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EvalResult } from '../../workers/evalHandlers';

const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]];

/** Accuracy (summed scoring) against composite length for several runs; log₂ length axis. */
export function AccuracyChart({ runs }: { runs: readonly { id: string; result: EvalResult }[] }) {
  const host = useRef<HTMLDivElement>(null);
  const lengths = [...new Set(runs.flatMap((r) => Object.keys(r.result.summed.byLength).map(Number)))].sort((a, b) => a - b);
  const key = runs.map((r) => `${r.id}@${r.result.at}`).join('|');
  useEffect(() => {
    const el = host.current;
    if (!el || runs.length === 0) return;
    const data: uPlot.AlignedData = [lengths, ...runs.map((r) => lengths.map((l) => (r.result.summed.byLength[String(l)]?.accuracy ?? null) as number | null))];
    const plot = new uPlot(
      {
        title: 'Held-out accuracy by context length',
        width: Math.max(360, el.clientWidth || 640),
        height: 260,
        scales: { x: { time: false, distr: 3, log: 2 }, y: { range: [0, 1] } },
        axes: [{ label: 'clips in the composite', values: (_u, ticks) => ticks.map(String) }, { label: 'accuracy', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) }],
        series: [{ label: 'clips' }, ...runs.map((r, i) => ({ label: r.id, stroke: PALETTE[i % PALETTE.length] as string, dash: DASHES[i % DASHES.length] as number[], width: 2, points: { show: true, size: 6 }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`) }))],
      },
      data,
      el,
    );
    return () => plot.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (runs.length === 0) return null;
  return <div ref={host} data-testid="accuracy-chart" />;
}
