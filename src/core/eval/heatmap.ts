// Accuracy by composite length × anchor position as a picture (issue #13: "the heatmaps" of
// docs/results.md, and the Evaluate page's). One colour scale for both: viridis, colour-blind safe
// and ordered in lightness, and every cell also prints its value, so nothing is read by colour
// alone. `heatmapSvg` draws one panel per run side by side as a small standalone SVG (text, a few
// kB), for docs and exports; its cells carry the item count and the 95% interval as a tooltip.
import type { Proportion } from './stats';

/** Viridis stops, dark to light. */
export const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;

/** A cell's fill and a text colour readable on it, for an accuracy in [0, 1]. */
export function heatColour(x: number): { background: string; color: string } {
  const t = Math.max(0, Math.min(0.999, x)) * (VIRIDIS.length - 1);
  return { background: VIRIDIS[Math.round(t)] as string, color: t > 2.4 ? '#111' : '#fff' };
}

/** Column heading of position bucket `b` of `buckets` (first … last). */
export function positionLabel(b: number, buckets: number): string {
  if (buckets === 1) return 'anchor';
  if (b === 0) return 'first';
  if (b === buckets - 1) return 'last';
  return `${b + 1}`;
}

export interface HeatmapPanel {
  /** The run's name, printed above its panel. */
  title: string;
  /** Per length (clips), one cell per position bucket, first → last. */
  byLengthPosition: Readonly<Record<string, readonly Proportion[]>>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (x: number): string => (100 * x).toFixed(1);

const CELL_W = 44;
const CELL_H = 26;
const ROW_HEAD = 34;
const GAP = 24;
const TOP = 46;

/**
 * A standalone SVG of one or more runs' accuracy by length (rows, clips) × anchor position
 * (columns), panels in the order given, a caption above and a 0–100% legend below. Lengths are
 * sorted numerically; a panel with fewer positions at a length leaves the rest of the row blank.
 */
export function heatmapSvg(panels: readonly HeatmapPanel[], caption = 'Accuracy (%) by clips in the context × anchor position'): string {
  if (panels.length === 0) throw new Error('heatmapSvg needs at least one panel');
  const lengths = [...new Set(panels.flatMap((p) => Object.keys(p.byLengthPosition)))].sort((a, b) => Number(a) - Number(b));
  const buckets = Math.max(1, ...panels.flatMap((p) => Object.values(p.byLengthPosition).map((cells) => cells.length)));
  const panelW = ROW_HEAD + buckets * CELL_W;
  const width = panels.length * panelW + (panels.length - 1) * GAP + 16;
  const gridBottom = TOP + 18 + lengths.length * CELL_H;
  const height = gridBottom + 52;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(caption)}">`,
    `<title>${esc(caption)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">${esc(caption)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const x0 = 8 + i * (panelW + GAP);
    out.push(`<g class="panel" data-title="${esc(panel.title)}">`);
    out.push(`<text x="${x0}" y="${TOP - 12}" font-size="12" font-weight="bold">${esc(panel.title)}</text>`);
    out.push(`<text x="${x0}" y="${TOP + 12}" fill="#555">clips</text>`);
    for (let b = 0; b < buckets; b++) out.push(`<text x="${x0 + ROW_HEAD + b * CELL_W + CELL_W / 2}" y="${TOP + 12}" text-anchor="middle" fill="#555">${positionLabel(b, buckets)}</text>`);
    lengths.forEach((length, r) => {
      const y = TOP + 18 + r * CELL_H;
      out.push(`<text x="${x0 + ROW_HEAD - 6}" y="${y + CELL_H / 2 + 4}" text-anchor="end">${esc(length)}</text>`);
      (panel.byLengthPosition[length] ?? []).forEach((p, b) => {
        const x = x0 + ROW_HEAD + b * CELL_W;
        const known = Number.isFinite(p.accuracy) && p.n > 0;
        const { background, color } = known ? heatColour(p.accuracy) : { background: '#eee', color: '#111' };
        const tip = known ? `${panel.title}, ${length} clips, ${positionLabel(b, panel.byLengthPosition[length]?.length ?? 1)}: ${pct(p.accuracy)}% of ${p.n} items, 95% CI ${pct(p.ci95[0])}–${pct(p.ci95[1])}%` : `${panel.title}, ${length} clips: no items`;
        out.push(`<g class="cell"><title>${esc(tip)}</title><rect x="${x}" y="${y}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${background}"/>`);
        out.push(`<text x="${x + (CELL_W - 2) / 2}" y="${y + CELL_H / 2 + 3}" text-anchor="middle" fill="${color}">${known ? pct(p.accuracy) : '—'}</text></g>`);
      });
    });
    out.push('</g>');
  });
  // Legend: the five stops with their ranges.
  const ly = gridBottom + 14;
  out.push(`<text x="8" y="${ly + 12}" fill="#555">accuracy</text>`);
  VIRIDIS.forEach((c, k) => {
    const x = 64 + k * 58;
    const lo = Math.round((100 * Math.max(0, k - 0.5)) / (VIRIDIS.length - 1));
    const hi = Math.round((100 * Math.min(VIRIDIS.length - 1, k + 0.5)) / (VIRIDIS.length - 1));
    out.push(`<rect x="${x}" y="${ly}" width="56" height="16" fill="${c}"/><text x="${x + 28}" y="${ly + 12}" text-anchor="middle" fill="${heatColour(k / (VIRIDIS.length - 1)).color}">${lo}–${hi}</text>`);
  });
  out.push(`<text x="8" y="${ly + 34}" fill="#555">Each cell prints its accuracy; hover for the items and the 95% interval.</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export type HeatmapScoring = 'summed' | 'per-token';

const isCells = (v: unknown): v is Record<string, Proportion[]> =>
  typeof v === 'object' && v !== null && Object.values(v).length > 0 && Object.values(v).every((cells) => Array.isArray(cells) && cells.every((p) => typeof p === 'object' && p !== null && typeof (p as Proportion).accuracy === 'number' && typeof (p as Proportion).n === 'number'));

/**
 * The panels of one evaluation file: `longvpo eval`'s eval.json (one panel, titled `title`) or the
 * Evaluate page's JSON export (one per run, titled by stage and run). Per-token scoring reads
 * `length_normalised`. Throws an Error naming what is missing; the caller names the file.
 */
export function heatmapPanelsOf(value: unknown, title: string, scoring: HeatmapScoring = 'summed'): HeatmapPanel[] {
  const key = scoring === 'summed' ? 'summed' : 'length_normalised';
  const cellsOf = (v: unknown): unknown => (typeof v === 'object' && v !== null ? ((v as Record<string, { byLengthPosition?: unknown } | undefined>)[key]?.byLengthPosition ?? undefined) : undefined);
  if (Array.isArray(value)) {
    const panels = value.flatMap((entry: unknown) => {
      const cells = cellsOf(entry);
      if (!isCells(cells)) return [];
      const e = entry as { run?: unknown; stage?: unknown };
      return [{ title: [e.stage, e.run].filter((x) => typeof x === 'string').join(' · ') || title, byLengthPosition: cells }];
    });
    if (panels.length === 0) throw new Error(`no run in it has ${key}.byLengthPosition (is it the Evaluate page's Export JSON?)`);
    return panels;
  }
  const cells = cellsOf(value);
  if (!isCells(cells)) throw new Error(`it has no ${key}.byLengthPosition (is it an eval.json written by \`longvpo eval\`?)`);
  return [{ title, byLengthPosition: cells }];
}
