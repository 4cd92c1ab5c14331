import { describe, expect, it } from 'vitest';
import { heatColour, heatmapPanelsOf, heatmapSvg, positionLabel, VIRIDIS } from './heatmap';
import { proportion } from './stats';

const cells = (xs: number[], n = 20) => xs.map((x) => proportion(Math.round(x * n), n));

describe('heatmapSvg', () => {
  const sft = { title: 'sft', byLengthPosition: { '16': cells([0.4, 0.35, 0.3, 0.45]), '1': cells([0.7]) } };
  const stage1 = { title: 'stage1 <&>', byLengthPosition: { '1': cells([0.75]), '16': cells([0.5, 0.5, 0.45, 0.55]) } };
  const svg = heatmapSvg([sft, stage1], 'caption "q"');

  it('one panel per run, in order, with every cell drawn and its value printed', () => {
    expect([...svg.matchAll(/<g class="panel" data-title="([^"]+)">/g)].map((m) => m[1])).toEqual(['sft', 'stage1 &lt;&amp;&gt;']);
    expect(svg.match(/<g class="cell">/g)).toHaveLength(10);
    for (const v of ['40.0', '35.0', '30.0', '45.0', '70.0', '75.0', '50.0', '55.0']) expect(svg).toContain(`>${v}</text></g>`);
    // Rows by length numerically: 1 above 16 in both panels.
    const rowY = (label: string) => [...svg.matchAll(new RegExp(`y="(\\\\d+(?:\\\\.\\\\d+)?)" text-anchor="end">${label}<`, 'g'))].map((m) => Number(m[1]));
    expect(rowY('1').every((y, i) => y < (rowY('16')[i] ?? -1))).toBe(true);
    // The item count and interval are in each cell's tooltip; text is escaped.
    expect(svg).toContain('<title>sft, 16 clips, first: 40.0% of 20 items, 95% CI ');
    expect(svg).toContain('aria-label="caption &quot;q&quot;"');
    expect(svg).not.toMatch(/<&>/);
  });

  it('gives each panel its own rows and columns (a 16-position probe beside a 4-position one)', () => {
    const wide = { title: 'wide', byLengthPosition: { '16': cells(Array.from({ length: 16 }, () => 0.4)) } };
    const two = heatmapSvg([wide, sft]);
    const headings = (panel: string) => [...(two.split(`data-title="${panel}"`)[1] ?? '').split(/<\/g>\n<g class="panel"|<defs>/)[0]!.matchAll(/fill="#555">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(headings('wide')).toEqual(['clips', 'first', ...Array.from({ length: 14 }, (_, i) => String(i + 2)), 'last']);
    expect(headings('sft')).toEqual(['clips', 'first', '2', '3', 'last']);
    expect(two.match(/text-anchor="end">16</g)).toHaveLength(2);
    expect(two.match(/text-anchor="end">1</g)).toHaveLength(1);
  });

  it('closes every element it opens, and refuses no panels', () => {
    const opened = (svg.match(/<(svg|g|text|title)\b/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|g|text|title)>/g) ?? []).length;
    expect(opened).toBe(closed);
    expect(() => heatmapSvg([])).toThrow(/at least one panel/);
  });

  it('colours run dark to light with accuracy, and the text stays readable on them', () => {
    const lum = (short: string) => {
      const hex = short.length === 4 ? `#${[...short.slice(1)].map((c) => c + c).join('')}` : short;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect([0, 0.25, 0.5, 0.75, 1].map((x) => heatColour(x).background)).toEqual([...VIRIDIS]);
    const ramp = Array.from({ length: 101 }, (_, i) => lum(heatColour(i / 100).background));
    for (let k = 1; k < ramp.length; k++) expect(ramp[k]).toBeGreaterThan(ramp[k - 1] as number);
    // Continuous: a 0.4-point difference is a small step in colour, never a jump between stops.
    expect(Math.abs(lum(heatColour(0.374).background) - lum(heatColour(0.378).background))).toBeLessThan(0.01);
    for (let i = 0; i <= 100; i++) {
      const x = i / 100;
      const { background, color } = heatColour(x);
      expect(Math.abs(lum(background) - lum(color))).toBeGreaterThan(0.35);
    }
    expect(heatColour(-1).background).toBe(VIRIDIS[0]);
    expect(heatColour(2).background).toBe(VIRIDIS[4]);
    expect([0, 1, 2, 3].map((b) => positionLabel(b, 4))).toEqual(['first', '2', '3', 'last']);
    expect(positionLabel(0, 1)).toBe('anchor');
  });
});

describe('heatmapPanelsOf', () => {
  const summed = { byLengthPosition: { '4': cells([0.5, 0.25]) } };
  const perToken = { byLengthPosition: { '4': cells([0.6, 0.3]) } };
  it("reads longvpo eval's eval.json and the Evaluate page's export, either scoring", () => {
    expect(heatmapPanelsOf({ summed, length_normalised: perToken }, 'stage1')).toEqual([{ title: 'stage1', byLengthPosition: summed.byLengthPosition }]);
    expect(heatmapPanelsOf({ summed, length_normalised: perToken }, 'stage1', 'per-token')[0]?.byLengthPosition).toEqual(perToken.byLengthPosition);
    const exported = [{ run: 'sft-1', stage: 'sft', summed }, { run: 'stage1-2', stage: 'stage1', summed: null }, { run: 'stage2-3', stage: 'stage2', summed }];
    expect(heatmapPanelsOf(exported, 'file').map((p) => p.title)).toEqual(['sft · sft-1', 'stage2 · stage2-3']);
  });
  it('draws an empty cell (n 0, accuracy null in JSON: 2 clips have no middle positions) as a dash', () => {
    const file = JSON.parse(JSON.stringify({ summed: { byLengthPosition: { '2': [proportion(3, 4), proportion(0, 0), proportion(0, 0), proportion(1, 4)] } } })) as unknown;
    const [panel] = heatmapPanelsOf(file, 'sft');
    const svg = heatmapSvg([panel!]);
    expect(svg.match(/>—<\/text><\/g>/g)).toHaveLength(2);
    expect(svg).toContain('sft, 2 clips: no items');
    expect(svg).toContain('>75.0</text></g>');
  });
  it('names what is missing', () => {
    expect(() => heatmapPanelsOf({ by_length: {} }, 'x')).toThrow(/no summed\.byLengthPosition/);
    expect(() => heatmapPanelsOf({ summed }, 'x', 'per-token')).toThrow(/no length_normalised\.byLengthPosition/);
    expect(() => heatmapPanelsOf([{ run: 'a' }], 'x')).toThrow(/no run in it has summed\.byLengthPosition/);
    expect(() => heatmapPanelsOf({ summed: { byLengthPosition: { '4': [{ accuracy: 'high' }] } } }, 'x')).toThrow();
  });
});
