// Issue #13's acceptance, line by line, from a study's paired evaluations: Stage 1 over SFT at 16
// clips (≥ 10 points), the best − worst anchor position gap at 16 clips (shrinks), Stage 1 over
// SFT at one clip (within 2 points), and Stage 2 over Stage 1 on the Stage 2 probe (improves).
// The same verdicts for `longvpo reproduce` (comparison.json `acceptance`) and the Evaluate page,
// so no one has to judge a draw by hand (docs/evaluation.md, "The acceptance, line by line").
import { pairedGains, pairedGainsBeyond, signedInterval, type PerItem } from './compare';
import { formatGapChange, gapLength, positionGapChange, type PositionGapChange } from './positionGap';
import type { MeanDifference, PairedDifference } from './stats';

/** The issue's thresholds, as accuracy fractions. */
export const ACCEPTANCE_THRESHOLDS = {
  /** Stage 1 − SFT at 16 clips, at least. */
  longGain: 0.1,
  /** Stage 1 − SFT at one clip, at least (a loss of at most 2 points). */
  singleClip: -0.02,
} as const;

/**
 * met: the line holds (the thresholds on the point estimate; the gap and Stage 2 lines on a 95%
 * interval that excludes no change). unresolved: the interval holds no change. not met: the point
 * estimate misses the threshold, or the interval shows the other direction. no data: the
 * evaluations lack the length, positions or Stage 2 probe, or scored different items.
 */
export type Verdict = 'met' | 'unresolved' | 'not met' | 'no data';

export type AcceptanceLineId = 'long' | 'gap' | 'single' | 'stage2';

export interface AcceptanceLine {
  line: AcceptanceLineId;
  /** What the issue asks, in words. */
  asked: string;
  /** The measurement with its 95% interval (points), or '—'. */
  measured: string;
  verdict: Verdict;
  /** Why this verdict, when the measurement alone does not say (noise, a missing evaluation). */
  note: string;
  /** The numbers behind it (accuracy fractions), for JSON. */
  value: PairedDifference | PositionGapChange | null;
  /**
   * The long and Stage 2 lines, with blind evaluations of both runs: the same change with every
   * clip hidden, and the part of the change the blind scores do not share (seeing − blind,
   * difference in differences). Null without them.
   */
  blind?: { change: PairedDifference; looking: MeanDifference } | null;
  /**
   * The change is there with every clip hidden and the part that needs the clips is not above
   * zero: a change of the answer prior (which candidate the model favours from the question and
   * the candidates alone), not of looking at the video. The verdict still reads the issue's line.
   */
  prior?: boolean;
  /**
   * The Stage 2 line: which form of the Stage 2 probe it reads — same-form (wrong answers of the
   * correct answer's form, which only looking tells apart) when both runs have it, else honest
   * (the world's own degraded-context answers, which the answer prior can pass).
   */
  probe?: 'same-form' | 'honest';
}

/** Blind evaluations (every clip vector zeroed) of the same runs on the same items. */
export interface BlindInput {
  sft?: PerItem;
  stage1?: PerItem;
  stage1Stage2Probe?: PerItem;
  stage2Stage2Probe?: PerItem;
  stage1SameForm?: PerItem;
  stage2SameForm?: PerItem;
}

export interface AcceptanceInput {
  /** The probe's per-item results of SFT and Stage 1 (the same items). */
  sft?: PerItem;
  stage1?: PerItem;
  /** The Stage 2 probe's per-item results (full / cited) of Stage 1 and Stage 2. */
  stage1Stage2Probe?: PerItem;
  stage2Stage2Probe?: PerItem;
  /** The same-form Stage 2 probe's per-item results of Stage 1 and Stage 2 (the line reads these when both are given). */
  stage1SameForm?: PerItem;
  stage2SameForm?: PerItem;
  /** The probe lengths evaluated: the long line is read at 16 clips, or the longest. */
  lengths: readonly (number | string)[];
  /** Bootstrap draws of the gap (default 2000). */
  draws?: number;
  /**
   * Stage 1's gap change against SFT at the long length, when the caller has it already (the same
   * items; `reproduce`'s `gains.position_gap`, the Evaluate page's Position gap table): its
   * bootstrap is not run twice. Computed here when absent.
   */
  gapChange?: PositionGapChange;
  /** The same runs scored blind, for the long and Stage 2 lines' answer-prior check. */
  blind?: BlindInput;
}

/** A threshold in whole points, with a true minus sign: 0.1 → "10", −0.02 → "−2". */
const points = (x: number): string => `${x < 0 ? '−' : ''}${Math.abs(100 * x).toFixed(0)}`;

/** The four lines, in the issue's order. */
export function acceptanceLines(input: AcceptanceInput): AcceptanceLine[] {
  const long = gapLength(input.lengths);
  const gains = pairedGains(input.sft, input.stage1);
  const unpaired = input.sft && input.stage1 && !gains ? 'SFT and Stage 1 scored different probe items (another held-out world, lengths, anchors or probe version): evaluate both again with the same settings.' : '';
  const missing = (what: string): string => unpaired || `No ${what}: evaluate SFT and Stage 1 on the held-out probe with it.`;

  // The change with every clip hidden, and the part of it the blind scores do not share.
  const blindOf = (group: string, first?: PerItem, second?: PerItem, firstBlind?: PerItem, secondBlind?: PerItem): Pick<AcceptanceLine, 'blind' | 'prior'> & { words: string } => {
    const change = pairedGains(firstBlind, secondBlind)?.[group];
    const looking = pairedGainsBeyond(first, second, firstBlind, secondBlind)?.[group];
    if (!change || !looking) return { blind: null, words: '' };
    const prior = change.ci95[0] > 0 && looking.ci95[0] <= 0;
    const words = `with every clip hidden ${signedInterval(change.difference, change.ci95)}; the part that needs the clips ${signedInterval(looking.difference, looking.ci95)}${prior ? ': the answer prior, not the video' : ''}`;
    return { blind: { change, looking }, prior, words };
  };
  const joined = (...parts: string[]): string => parts.filter(Boolean).join('; ');

  const threshold = (line: 'long' | 'single', length: number, at: number, asked: string): AcceptanceLine => {
    const d = gains?.[String(length)];
    if (!d || (line === 'long' && length <= 1)) return { line, asked, measured: '—', verdict: 'no data', note: missing(line === 'long' ? 'length above one clip' : 'one-clip length'), value: null };
    const met = d.difference >= at - 1e-12;
    const note = met ? (d.ci95[0] < at ? `the interval reaches below ${points(at)}` : '') : d.ci95[1] >= at ? `the interval reaches ${points(at)}` : '';
    const measured = `${signedInterval(d.difference, d.ci95)} (n = ${d.n})`;
    if (line !== 'long') return { line, asked, measured, verdict: met ? 'met' : 'not met', note, value: d };
    const { words, ...blind } = blindOf(String(length), input.sft, input.stage1, input.blind?.sft, input.blind?.stage1);
    return { line, asked, measured, verdict: met ? 'met' : 'not met', note: joined(note, words), value: d, ...blind };
  };

  const gapLine = (): AcceptanceLine => {
    const asked = `Stage 1 shrinks the best − worst anchor position gap at ${long} clips`;
    const c = long > 1 ? (input.gapChange ?? positionGapChange(input.sft, input.stage1, long, { draws: input.draws })) : undefined;
    if (!c) return { line: 'gap', asked, measured: '—', verdict: 'no data', note: missing(`${long}-clip evaluation with positions`), value: null };
    const verdict: Verdict = c.ci95[1] < 0 ? 'met' : c.ci95[0] > 0 ? 'not met' : 'unresolved';
    // SFT's own gap within what shuffled positions give: there is nothing the probe can see shrink.
    const flat = c.first.p >= 0.05 ? `SFT's gap is within noise (shuffled positions reach ${(100 * c.first.noise95).toFixed(1)}; p = ${c.first.p.toFixed(2)}): there is no gap to shrink` : '';
    const note = verdict === 'unresolved' ? flat || 'the interval holds no change' : verdict === 'not met' ? 'the gap widens' : '';
    return { line: 'gap', asked, measured: formatGapChange(c), verdict, note, value: c };
  };

  const stage2Line = (): AcceptanceLine => {
    // The same-form probe when both runs have it: its wrong answers share the correct one's form,
    // so a change there is not the answer prior learning to avoid "not seen" answers.
    const sameForm = pairedGains(input.stage1SameForm, input.stage2SameForm)?.full;
    const probe = sameForm ? 'same-form' : 'honest';
    const asked = `Stage 2 improves the Stage 2 probe (full video${sameForm ? ", wrong answers of the correct answer's form" : ''}) over Stage 1`;
    const honest = pairedGains(input.stage1Stage2Probe, input.stage2Stage2Probe)?.full;
    const g = sameForm ?? honest;
    if (!g)
      return {
        line: 'stage2',
        asked,
        measured: '—',
        verdict: 'no data',
        note: input.stage1Stage2Probe && input.stage2Stage2Probe ? 'Stage 1 and Stage 2 scored different Stage 2 probe items: evaluate both on the same held-out world.' : 'No Stage 2 probe: evaluate Stage 1 and Stage 2 on the held-out world.',
        value: null,
        probe,
      };
    const verdict: Verdict = g.ci95[0] > 0 ? 'met' : g.ci95[1] < 0 ? 'not met' : 'unresolved';
    const b = input.blind;
    const { words, ...blind } = sameForm
      ? blindOf('full', input.stage1SameForm, input.stage2SameForm, b?.stage1SameForm, b?.stage2SameForm)
      : blindOf('full', input.stage1Stage2Probe, input.stage2Stage2Probe, b?.stage1Stage2Probe, b?.stage2Stage2Probe);
    const other = sameForm
      ? honest && `with the honest wrong answers ("not seen"), which the answer prior can pass: ${signedInterval(honest.difference, honest.ci95)}`
      : 'no same-form probe (evaluations from before it): the honest wrong answers can be passed by the answer prior; evaluate both runs again';
    return { line: 'stage2', asked, measured: `${signedInterval(g.difference, g.ci95)} (n = ${g.n})`, verdict, note: joined(verdict === 'unresolved' ? 'the interval holds no change' : '', words, other ?? ''), value: g, ...blind, probe };
  };

  return [
    threshold('long', long, ACCEPTANCE_THRESHOLDS.longGain, `Stage 1 raises SFT's accuracy at ${long} clips by ≥ ${points(ACCEPTANCE_THRESHOLDS.longGain)} points`),
    gapLine(),
    threshold('single', 1, ACCEPTANCE_THRESHOLDS.singleClip, `Stage 1 keeps one-clip accuracy within ${points(-ACCEPTANCE_THRESHOLDS.singleClip)} points of SFT (no loss of more)`),
    stage2Line(),
  ];
}

/**
 * The run a line of the Evaluate page's acceptance reads for a stage: the one picked, else the
 * Reproduce study's, else the last evaluated — for Stage 1 one not on cut composites (a
 * curriculum step is a Stage 1 run too), unless there is no other.
 */
export function acceptanceRun<R extends { id: string; stage: string; compositeClips?: unknown }>(runs: readonly R[], stage: 'sft' | 'stage1' | 'stage2', picked?: string, study?: string): R | undefined {
  const of = runs.filter((r) => r.stage === stage);
  const plain = of.filter((r) => !(Number(r.compositeClips) > 0));
  return of.find((r) => r.id === picked) ?? of.find((r) => r.id === study) ?? plain[plain.length - 1] ?? of[of.length - 1];
}

/** "3 of 4 lines met (1 by the answer prior alone: as large with every clip hidden; 1 without data)" for a line of print. */
export function acceptanceSummary(lines: readonly AcceptanceLine[]): string {
  const met = lines.filter((l) => l.verdict === 'met').length;
  const prior = lines.filter((l) => l.verdict === 'met' && l.prior).length;
  const noData = lines.filter((l) => l.verdict === 'no data').length;
  const notes = [prior ? `${prior} by the answer prior alone: as large with every clip hidden` : '', noData ? `${noData} without data` : ''].filter(Boolean);
  return `${met} of ${lines.length} lines met${notes.length ? ` (${notes.join('; ')})` : ''}`;
}
