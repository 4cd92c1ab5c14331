// Accuracy by composite length × anchor position as a picture (issue #13: "the heatmaps" of
// docs/results.md, and the Evaluate page's). One colour scale for both: viridis, colour-blind safe
// and ordered in lightness, and every cell also prints its value, so nothing is read by colour
// alone. `heatmapSvg` draws one panel per run side by side as a small standalone SVG (text, a few
// kB), for docs and exports; its cells carry the item count and the 95% interval as a tooltip.
import type { Proportion } from './stats';

/** Viridis stops, dark to light. */
export const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;

const rgbOf = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const hexOf = (rgb: readonly number[]): string => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
/** Relative luminance (sRGB weights on the 0–1 channels, no gamma: enough to pick dark or light text). */
const luminance = ([r, g, b]: readonly number[]): number => (0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)) / 255;

/**
 * A cell's fill and a text colour readable on it, for an accuracy in [0, 1]: viridis interpolated
 * between its stops, so close accuracies get close colours (with five flat steps, 37.4 and 37.8
 * fell on two sides of a step and looked far apart).
 */
export function heatColour(x: number): { background: string; color: string } {
  const t = (Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(t));
  const [a, b] = [rgbOf(VIRIDIS[k] as string), rgbOf(VIRIDIS[k + 1] as string)];
  const rgb = a.map((v, i) => v + (t - k) * ((b[i] as number) - v));
  return { background: hexOf(rgb), color: luminance(rgb) > 0.45 ? '#111' : '#fff' };
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
 * (columns), panels in the order given, each with its own lengths (sorted numerically) and
 * positions, a caption above and a 0–100% legend below.
 */
export function heatmapSvg(panels: readonly HeatmapPanel[], caption = 'Accuracy (%) by clips in the context × anchor position'): string {
  if (panels.length === 0) throw new Error('heatmapSvg needs at least one panel');
  // Each panel its own rows (its lengths, numerically) and columns (its positions), side by side.
  const shapes = panels.map((p) => {
    const lengths = Object.keys(p.byLengthPosition).sort((a, b) => Number(a) - Number(b));
    const buckets = Math.max(1, ...lengths.map((l) => p.byLengthPosition[l]?.length ?? 0));
    return { lengths, buckets, width: ROW_HEAD + buckets * CELL_W };
  });
  const x0s = shapes.map((_, i) => 8 + shapes.slice(0, i).reduce((sum, sh) => sum + sh.width + GAP, 0));
  const width = Math.max(360, (x0s.at(-1) ?? 0) + (shapes.at(-1)?.width ?? 0) + 8);
  const gridBottom = TOP + 18 + Math.max(...shapes.map((sh) => sh.lengths.length)) * CELL_H;
  const height = gridBottom + 60;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(caption)}">`,
    `<title>${esc(caption)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">${esc(caption)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const { lengths, buckets } = shapes[i] as (typeof shapes)[number];
    const x0 = x0s[i] as number;
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
  // Legend: the scale as a bar, ticks every 25 points.
  const ly = gridBottom + 14;
  const [barX, barW] = [64, 280];
  out.push(`<defs><linearGradient id="viridis">${VIRIDIS.map((c, k) => `<stop offset="${(100 * k) / (VIRIDIS.length - 1)}%" stop-color="${c}"/>`).join('')}</linearGradient></defs>`);
  out.push(`<text x="8" y="${ly + 12}" fill="#555">accuracy</text>`);
  out.push(`<rect x="${barX}" y="${ly}" width="${barW}" height="12" fill="url(#viridis)"/>`);
  for (const v of [0, 25, 50, 75, 100]) out.push(`<text x="${barX + (barW * v) / 100}" y="${ly + 24}" text-anchor="middle" fill="#555" font-size="10">${v}</text>`);
  out.push(`<text x="8" y="${ly + 40}" fill="#555">Each cell prints its accuracy; hover for the items and the 95% interval.</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export type HeatmapScoring = 'summed' | 'per-token';

// An empty cell (n 0: a length with fewer clips than positions) has accuracy NaN, null in JSON.
const isCells = (v: unknown): v is Record<string, Proportion[]> =>
  typeof v === 'object' && v !== null && Object.values(v).length > 0 && Object.values(v).every((cells) => Array.isArray(cells) && cells.every((p) => typeof p === 'object' && p !== null && typeof (p as Proportion).n === 'number' && (typeof (p as Proportion).accuracy === 'number' || ((p as Proportion).n === 0 && (p as { accuracy: unknown }).accuracy === null))));

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
