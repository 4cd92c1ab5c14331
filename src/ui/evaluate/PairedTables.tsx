// The Evaluate page's paired tables (issue #13): each run against a baseline, and each run against
// its own blind and anchor-hidden scores, on the same probe items.
import { useEffect, useMemo, useState } from 'react';
import { acceptanceLines, acceptanceRun, acceptanceSummary, type Verdict } from '../../core/eval/acceptance';
import { formatGain, pairedGains, perItem, signedInterval, type PerItem } from '../../core/eval/compare';
import { gapLength, positionGap, positionGapChange, type PositionGap, type PositionGapChange } from '../../core/eval/positionGap';
import { anchorHiddenEvaluationOf, blindEvaluationOf } from '../../state/evalService';
import { studyRunIds } from '../../state/reproduceService';
import { useStudio } from '../../state/store';
import type { RunRecord } from '../../storage/schema';
import type { EvalResult } from '../../workers/evalHandlers';

/** An evaluated run as the page lists it. */
export interface Evaluated {
  id: string;
  run: RunRecord;
  result: EvalResult;
}

const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}`);

const perItemCache = new WeakMap<EvalResult, PerItem>();

/**
 * The probe's per-item results of an evaluation (summed scoring), for paired comparisons; once
 * per stored result (its fingerprint reads every item, and the page re-renders on each progress tick).
 */
function probePerItem(r: EvalResult): PerItem {
  let p = perItemCache.get(r);
  if (!p) {
    p = perItem(r.items, r.items.map((i) => i.length), r.items.map((i) => i.correctSum));
    perItemCache.set(r, p);
  }
  return p;
}

const gapCache = new WeakMap<EvalResult, Map<string, PositionGap | null>>();
const gapChangeCache = new WeakMap<EvalResult, WeakMap<EvalResult, Map<string, PositionGapChange | null>>>();

/** A run's best − worst position gap at `length` (2 000 shuffles and draws: computed once per result). */
function gapOf(r: EvalResult, length: number): PositionGap | null {
  const byLength = gapCache.get(r) ?? new Map<string, PositionGap | null>();
  gapCache.set(r, byLength);
  if (!byLength.has(String(length))) byLength.set(String(length), positionGap(probePerItem(r), length) ?? null);
  return byLength.get(String(length)) ?? null;
}

function gapChangeOf(base: EvalResult, r: EvalResult, length: number): PositionGapChange | null {
  const byRun = gapChangeCache.get(base) ?? new WeakMap<EvalResult, Map<string, PositionGapChange | null>>();
  gapChangeCache.set(base, byRun);
  const byLength = byRun.get(r) ?? new Map<string, PositionGapChange | null>();
  byRun.set(r, byLength);
  if (!byLength.has(String(length))) byLength.set(String(length), positionGapChange(probePerItem(base), probePerItem(r), length) ?? null);
  return byLength.get(String(length)) ?? null;
}

/**
 * The acceptance's position line: the best − worst anchor position at 16 clips (or the longest
 * length evaluated), beside what noise alone reaches with the same questions, and each run's change
 * in it against the baseline with a paired interval (questions resampled).
 */
function PositionGapTable({ evaluated, base, lengths }: { evaluated: readonly Evaluated[]; base: Evaluated; lengths: string[] }) {
  const length = gapLength(lengths);
  if (length <= 1) return null;
  return (
    <>
      <h4>Best − worst anchor position at {length} clips</h4>
      <p className="muted">
        The range of a few noisy accuracies is never zero: beside each gap, what the same questions give when their positions are shuffled (95th percentile) and the share of shuffles at least as wide (p). The change against {base.id} resamples the questions, the same draw for both runs.
      </p>
      <table className="results" aria-label="Position gap">
        <thead>
          <tr>
            <th>run</th>
            <th>by position, first → last</th>
            <th>gap [95%]</th>
            <th>noise alone reaches · p</th>
            <th>change against {base.id} [95%]</th>
          </tr>
        </thead>
        <tbody>
          {evaluated.map((e) => {
            const g = gapOf(e.result, length);
            const c = e.id === base.id ? null : gapChangeOf(base.result, e.result, length);
            return (
              <tr key={e.id} data-testid={`position-gap-${e.id}`}>
                <th>
                  {e.id} ({e.run.stage})
                </th>
                {g ? (
                  <>
                    <td>{g.accuracy.map((a) => pct(a)).join(' / ')}</td>
                    <td>
                      {pct(g.gap)} [{pct(g.ci95[0])}, {pct(g.ci95[1])}]
                    </td>
                    <td>
                      {pct(g.noise95)} · {g.p.toFixed(2)}
                    </td>
                    <td>{e.id === base.id ? 'baseline' : c ? signedInterval(c.change, c.ci95) : 'Not the same probe items'}</td>
                  </>
                ) : (
                  <td colSpan={4} className="muted">
                    No positions at {length} clips in this result (stored before they were kept, or not evaluated at that length): evaluate it again.
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/**
 * Each run against a baseline on the same items: the change in accuracy per length with its paired
 * 95% interval (Newcombe) and McNemar p, and on the Stage 2 probe. Separate intervals overlap far
 * more than a real gain's paired interval does, so this is the table that says whether an effect
 * is there.
 */
export function PairedChanges({ evaluated, lengths }: { evaluated: readonly Evaluated[]; lengths: string[] }) {
  const [baseId, setBaseId] = useState<string | undefined>(undefined);
  const base = evaluated.find((e) => e.id === baseId) ?? evaluated.find((e) => e.run.stage === 'sft') ?? evaluated[0];
  const perItems = new Map(evaluated.map((e) => [e.id, probePerItem(e.result)]));
  if (!base || evaluated.length < 2) return null;
  const others = evaluated.filter((e) => e.id !== base.id);
  return (
    <>
      <h3>Paired change against a baseline</h3>
      <p className="muted">
        Accuracy of each run minus the baseline&apos;s, on the same probe items: points, 95% interval for paired data (Newcombe), and the exact McNemar p.{' '}
        <label htmlFor="paired-base">Baseline</label>{' '}
        <select id="paired-base" value={base.id} onChange={(e) => setBaseId(e.target.value)}>
          {evaluated.map((e) => (
            <option key={e.id} value={e.id}>
              {e.id} ({e.run.stage})
            </option>
          ))}
        </select>
      </p>
      <table className="results" aria-label="Paired change against the baseline">
        <thead>
          <tr>
            <th>run − {base.id}</th>
            {lengths.map((l) => (
              <th key={l}>{l === '1' ? '1 clip' : `${l} clips`}</th>
            ))}
            <th>Stage 2: full video</th>
            <th>Stage 2, same form: full video</th>
          </tr>
        </thead>
        <tbody>
          {others.map((e) => {
            const gains = pairedGains(perItems.get(base.id), perItems.get(e.id));
            const stage2 = pairedGains(base.result.stage2PerItem ?? undefined, e.result.stage2PerItem ?? undefined);
            const sameForm = pairedGains(base.result.stage2SameForm?.perItem, e.result.stage2SameForm?.perItem);
            return (
              <tr key={e.id} data-testid={`paired-${e.id}`}>
                <th>
                  {e.id} ({e.run.stage})
                </th>
                {gains ? (
                  lengths.map((l) => <td key={l}>{formatGain(gains[l])}</td>)
                ) : (
                  <td colSpan={lengths.length} className="muted">
                    Not the same probe items (another held-out seed, world size, lengths or anchors): evaluate both with the same settings.
                  </td>
                )}
                <td>{stage2 ? formatGain(stage2.full) : '—'}</td>
                <td data-testid={`paired-same-form-${e.id}`}>{sameForm ? formatGain(sameForm.full) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <PositionGapTable evaluated={evaluated} base={base} lengths={lengths} />
    </>
  );
}

interface BaselineKind {
  of: (run: RunRecord) => EvalResult | null;
  title: string;
  description: string;
  label: string;
  column: (length: string) => string;
  testId: string;
  rerun: string;
  /** Also the Stage 2 probe (full video): the anchor-hidden baseline has none. */
  stage2?: boolean;
}

const BASELINES: Record<'blind' | 'hidden', BaselineKind> = {
  blind: {
    of: blindEvaluationOf,
    title: 'Does the model look?',
    description: 'Each run scored again with every clip hidden (its visual tokens zeroed) on the same items: the blind accuracy, and what looking adds — seeing minus blind, with the paired 95% interval and McNemar p. Near zero means the answers come from the question and the candidates alone.',
    label: 'What looking at the clips adds',
    column: (l) => `${l === '1' ? '1 clip' : `${l} clips`}: blind · looking adds`,
    testId: 'looking',
    rerun: 'The blind run scored another checkpoint: evaluate it blind again.',
    stage2: true,
  },
  hidden: {
    of: anchorHiddenEvaluationOf,
    title: 'Does the model read the anchor?',
    description: 'Each run scored again with only the anchor hidden — the distractors and every position kept — on the same items: that accuracy, and what reading the anchor adds (seeing minus anchor hidden, paired 95% interval, McNemar p). Looking that is not reading came from the distractors: ruling out what they show, not finding the anchor. At one clip it equals the blind score.',
    label: 'What reading the anchor adds',
    column: (l) => `${l === '1' ? '1 clip' : `${l} clips`}: anchor hidden · reading adds`,
    testId: 'reading',
    rerun: 'The anchor-hidden run scored another checkpoint: evaluate it with the anchor hidden again.',
  },
};

/**
 * Each run against its own baseline on the same items: with every clip hidden (what looking adds;
 * a Stage 1 gain that is there blind too is a change of the answer prior), or with only the anchor
 * hidden (what reading the anchor adds; a gain that is there too was won from the distractors).
 */
function BaselineTable({ evaluated, lengths, kind }: { evaluated: readonly Evaluated[]; lengths: string[]; kind: BaselineKind }) {
  const rows = evaluated.flatMap((e) => {
    const base = kind.of(e.run);
    if (!base) return [];
    // The Stage 2 probe's change (full video), when the kind has it and both sides scored it.
    const paired = kind.stage2 && base.checkpointId === e.result.checkpointId;
    const stage2 = paired ? pairedGains(base.stage2PerItem ?? undefined, e.result.stage2PerItem ?? undefined)?.full : undefined;
    const sameForm = paired ? pairedGains(base.stage2SameForm?.perItem, e.result.stage2SameForm?.perItem)?.full : undefined;
    return [{ ...e, base, stage2, sameForm }];
  });
  if (rows.length === 0) return null;
  const withStage2 = rows.some((e) => e.stage2);
  const withSameForm = rows.some((e) => e.sameForm);
  return (
    <>
      <h3>{kind.title}</h3>
      <p className="muted">
        {kind.description}
        {withStage2 ? ' The Stage 2 columns are the Stage 2 probe with the whole video: a Stage 2 gain that is there blind too came from the question and the answers alone, not from reading the video. In the same-form probe every wrong answer has the correct answer’s form, so only looking can tell them apart.' : null}
      </p>
      <table className="results" aria-label={kind.label}>
        <thead>
          <tr>
            <th>run</th>
            {lengths.map((l) => (
              <th key={l}>{kind.column(l)}</th>
            ))}
            {withStage2 ? <th>Stage 2 probe, full video: blind · looking adds</th> : null}
            {withSameForm ? <th>Same form, full video: blind · looking adds</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const same = e.base.checkpointId === e.result.checkpointId;
            const gains = same ? pairedGains(probePerItem(e.base), probePerItem(e.result)) : undefined;
            return (
              <tr key={e.id} data-testid={`${kind.testId}-${e.id}`}>
                <th>
                  {e.id} ({e.run.stage})
                </th>
                {gains ? (
                  lengths.map((l) => (
                    <td key={l}>
                      {pct(e.base.summed.byLength[l]?.accuracy)} · {formatGain(gains[l])}
                    </td>
                  ))
                ) : (
                  <td colSpan={lengths.length} className="muted">
                    {same ? 'Not the same probe items: evaluate both with the same settings.' : kind.rerun}
                  </td>
                )}
                {withStage2 ? <td data-testid={`${kind.testId}-stage2-${e.id}`}>{e.stage2 ? `${pct(e.base.stage2?.full.accuracy)} · ${formatGain(e.stage2)}` : '—'}</td> : null}
                {withSameForm ? <td data-testid={`${kind.testId}-same-form-${e.id}`}>{e.sameForm ? `${pct(e.base.stage2SameForm?.summed.full.accuracy)} · ${formatGain(e.sameForm)}` : '—'}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** The question-only baseline per run (seeing − blind, paired on the same items). */
export function LookingTable({ evaluated, lengths }: { evaluated: readonly Evaluated[]; lengths: string[] }) {
  return <BaselineTable evaluated={evaluated} lengths={lengths} kind={BASELINES.blind} />;
}

/** The anchor-hidden baseline per run (seeing − anchor hidden, paired on the same items). */
export function ReadingTable({ evaluated, lengths }: { evaluated: readonly Evaluated[]; lengths: string[] }) {
  return <BaselineTable evaluated={evaluated} lengths={lengths} kind={BASELINES.hidden} />;
}

const VERDICT_MARK: Record<Verdict, string> = { met: '✓ met', unresolved: '? unresolved', 'not met': '✗ not met', 'no data': '— no data' };

/**
 * Issue #13's acceptance, line by line, for an SFT, a Stage 1 and a Stage 2 run (the Reproduce
 * study's by default): the same verdicts `longvpo reproduce` writes (src/core/eval/acceptance.ts).
 */
export function AcceptanceTable({ evaluated, lengths }: { evaluated: readonly Evaluated[]; lengths: string[] }) {
  const running = useStudio((s) => s.reproduce.running);
  const [study, setStudy] = useState<Partial<Record<string, string>>>({});
  useEffect(() => {
    let live = true;
    // Read again when a study stops: its runs may be new.
    void studyRunIds()
      .then((ids) => {
        if (live) setStudy(ids);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [running]);
  const [picked, setPicked] = useState<Partial<Record<'sft' | 'stage1' | 'stage2', string>>>({});
  const runs = evaluated.map((e) => ({ id: e.id, stage: e.run.stage, compositeClips: e.run.config.compositeClips }));
  const choose = (stage: 'sft' | 'stage1' | 'stage2'): Evaluated | undefined => {
    const id = acceptanceRun(runs, stage, picked[stage], study[stage])?.id;
    return evaluated.find((e) => e.id === id);
  };
  const sft = choose('sft');
  const stage1 = choose('stage1');
  const stage2 = choose('stage2');
  // The page re-renders on every progress tick: the lines are made again only when a result or the lengths change.
  const [r0, r1, r2, asked] = [sft?.result, stage1?.result, stage2?.result, lengths.join(',')];
  // Each run's blind evaluation of the same checkpoint, when there is one: the answer-prior check.
  const blindOf = (e: Evaluated | undefined): EvalResult | undefined => {
    const b = e ? blindEvaluationOf(e.run) : null;
    return b && b.checkpointId === e?.result.checkpointId ? b : undefined;
  };
  const [b0, b1, b2] = [blindOf(sft), blindOf(stage1), blindOf(stage2)];
  const lines = useMemo(
    () =>
      r0 && r1
        ? acceptanceLines({
            sft: probePerItem(r0),
            stage1: probePerItem(r1),
            stage1Stage2Probe: r1.stage2PerItem ?? undefined,
            stage2Stage2Probe: r2?.stage2PerItem ?? undefined,
            stage1SameForm: r1.stage2SameForm?.perItem,
            stage2SameForm: r2?.stage2SameForm?.perItem,
            lengths: asked.split(','),
            // The Position gap table's change, cached per pair of results: one bootstrap, not two.
            gapChange: gapChangeOf(r0, r1, gapLength(asked.split(','))) ?? undefined,
            blind: { sft: b0 && probePerItem(b0), stage1: b1 && probePerItem(b1), stage1Stage2Probe: b1?.stage2PerItem ?? undefined, stage2Stage2Probe: b2?.stage2PerItem ?? undefined, stage1SameForm: b1?.stage2SameForm?.perItem, stage2SameForm: b2?.stage2SameForm?.perItem },
          })
        : null,
    [r0, r1, r2, b0, b1, b2, asked],
  );
  if (!sft || !stage1 || !lines) return null;
  const select = (stage: 'sft' | 'stage1' | 'stage2', label: string, value: Evaluated | undefined) => (
    <>
      <label htmlFor={`acceptance-${stage}`}>{label}</label>{' '}
      <select id={`acceptance-${stage}`} value={value?.id ?? ''} onChange={(e) => setPicked({ ...picked, [stage]: e.target.value })}>
        {value ? null : <option value="">none evaluated</option>}
        {evaluated
          .filter((e) => e.run.stage === stage)
          .map((e) => (
            <option key={e.id} value={e.id}>
              {e.id}
            </option>
          ))}
      </select>{' '}
    </>
  );
  return (
    <>
      <h3>The LongVPO effect, line by line</h3>
      <p className="muted">
        The four lines the studio is measured by (docs/evaluation.md, “The acceptance, line by line”), on the same probe items: {acceptanceSummary(lines)}. A threshold is read on the paired change itself, the gap and Stage 2 lines on their 95% intervals. With the runs also evaluated blind, the long and Stage 2 lines say how much of the change is there with every clip hidden: that part is the answer prior, not the video. {select('sft', 'SFT run', sft)}
        {select('stage1', 'Stage 1 run', stage1)}
        {select('stage2', 'Stage 2 run', stage2)}
      </p>
      <table className="results" aria-label="The LongVPO effect, line by line">
        <thead>
          <tr>
            <th>asked</th>
            <th>measured [95%]</th>
            <th>verdict</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.line} data-testid={`acceptance-${l.line}`} data-verdict={l.verdict} data-prior={l.prior === undefined ? undefined : String(l.prior)}>
              <td>{l.asked}</td>
              <td>{l.measured}</td>
              <td>
                {VERDICT_MARK[l.verdict]}
                {l.note ? <span className="muted"> — {l.note}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
