import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies; dashes tell series apart without colour. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]];

/** One chart of metric `keys` against `step` (uPlot; values of the hovered step in the legend). */
export function MetricsChart({ title, metrics, keys, testId }: { title: string; metrics: readonly Record<string, number>[]; keys: readonly string[]; testId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const present = keys.filter((k) => metrics.some((m) => typeof m[k] === 'number'));
  const signature = present.join('|');

  useEffect(() => {
    const el = host.current;
    if (!el || present.length === 0) return;
    const opts: uPlot.Options = {
      title,
      width: Math.max(320, el.clientWidth || 560),
      height: 220,
      scales: { x: { time: false } },
      // Small values (learning rates) keep their digits: 2e-4, not 0.
      axes: [{ label: 'step' }, { size: 60, values: (_u, ticks) => ticks.map((v) => (v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(1) : String(Number(v.toPrecision(3))))) }],
      series: [{ label: 'step' }, ...present.map((k, i) => ({ label: k, stroke: PALETTE[i % PALETTE.length] as string, dash: DASHES[i % DASHES.length] as number[], width: 1.5, points: { show: false } }))],
    };
    plot.current = new uPlot(opts, [[], ...present.map(() => [])], el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, title]);

  useEffect(() => {
    const data: uPlot.AlignedData = [metrics.map((m) => m.step ?? 0), ...present.map((k) => metrics.map((m) => (typeof m[k] === 'number' ? (m[k] as number) : null)))];
    plot.current?.setData(data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [metrics, signature]);

  if (present.length === 0) return null;
  const last = metrics.at(-1);
  return (
    <figure className="chart" data-testid={testId}>
      <div ref={host} />
      <figcaption className="muted">
        {last ? present.map((k) => `${k} ${Number(last[k]).toPrecision(4)}`).join(' · ') : ''} (step {last?.step ?? 0})
      </figcaption>
    </figure>
  );
}
