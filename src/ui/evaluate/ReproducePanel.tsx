import { useEffect, useState } from 'react';
import type { DemoSize } from '../../core/demo';
import type { EmbedderChoice } from '../../core/pipeline';
import { SEQUENCE_LAYOUTS, type SequenceLayout } from '../../core/train/config';
import { MAX_STUDY_WORLDS, RECIPES, recipeLayout, type Recipe } from '../../core/train/recipe';
import { loadPipeline, setPipeline } from '../../state/libraryService';
import { cancelReproduce, defaultFirstWorld, FIRST_WORLD_RANGE, reproduce, storedReproduce } from '../../state/reproduceService';
import { reproduceSteps, stepLabel } from '../../state/reproduceSteps';
import { useStudio } from '../../state/store';
import { LAYOUT_LABELS, SFT_QUESTION_LABELS } from '../train/layoutLabels';
import { SFT_QUESTION_FORMS, type SftQuestionForm } from '../../core/train/sftSynthesis';

const MARK = { waiting: '○', running: '◐', done: '●', kept: '●', failed: '✗' } as const;

/** The study's embedders (docs/results.md compares them): the value is the import pipeline's choice. */
const FEATURE_CHOICES = [
  { value: 'default', label: 'one token per clip (MobileNet mean, the default)', choice: { kind: 'default' } },
  { value: 'mobilenet+colour', label: 'one token per clip, + colour histogram', choice: { kind: 'features', features: 'mobilenet+colour' } },
  { value: 'regions', label: 'five region tokens per clip (about 3× slower)', choice: { kind: 'features', features: 'regions' } },
  { value: 'objects', label: 'six object tokens per clip, from segmentation (no network)', choice: { kind: 'features', features: 'objects' } },
] as const satisfies readonly { value: string; label: string; choice: EmbedderChoice }[];

const valueOf = (c: EmbedderChoice): string => (c.kind === 'features' ? c.features : c.kind);

const RECIPE_LABELS: Record<Recipe, string> = {
  paper: 'the paper’s: SFT → Stage 1 → Stage 2',
  curriculum: 'with a curriculum: + 2- and 4-clip steps, Stage 2 with replay',
  spread: 'with a curriculum over every slot: 2, then 4 clips repeated over the full composite',
};

const SIZES = [
  { value: 'small', label: 'small' },
  { value: 'full', label: 'full' },
] as const satisfies readonly { value: DemoSize; label: string }[];

/**
 * The settings of the browser study that showed the LongVPO effect (docs/results.md, "A second
 * thirty-two-world seed, the button at thirty-two worlds…": +17.4 [+13.3, +21.3] at 16 clips,
 * +8.5 of it needing the clips, in 2 h 19 min here): full worlds with object tokens, 32 of them,
 * the curriculum with its question before and after the clips, SFT questions in both wordings,
 * half of Stage 1's pairs also with the anchor alone, the probe at 1, 2, 4 and 16 clips.
 */
export const EFFECT_STUDY = { size: 'full', features: 'objects', recipe: 'curriculum', sftQuestions: 'both', worlds: 32, singleClip: 0.5, lengths: '1,2,4,16' } as const satisfies {
  size: DemoSize;
  features: (typeof FEATURE_CHOICES)[number]['value'];
  recipe: Recipe;
  sftQuestions: SftQuestionForm;
  worlds: number;
  singleClip: number;
  lengths: string;
};

/** A labelled list of choices of the panel (world, recipe, question). */
function Choice<T extends string>({ id, label, value, options, disabled, title, onChange }: { id: string; label: string; value: T; options: readonly { value: T; label: string }[]; disabled: boolean; title?: string; onChange: (v: T) => void }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} title={title} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** One click: demo → triples → SFT → Stage 1 → Stage 2 → evaluation of each, resumable after a reload. */
export function ReproducePanel() {
  const state = useStudio((s) => s.reproduce);
  const [size, setSize] = useState<DemoSize>('small');
  const [layout, setLayout] = useState<SequenceLayout>('clips-first');
  const [recipe, setRecipe] = useState<Recipe>('paper');
  const [sftQuestions, setSftQuestions] = useState<SftQuestionForm>('anchored');
  const [worlds, setWorlds] = useState(1);
  // Kept as typed: a value out of range is refused by name when clicked, not silently changed.
  const [firstWorld, setFirstWorld] = useState(String(defaultFirstWorld('small')));
  const [singleClip, setSingleClip] = useState(0);
  const [citedStep, setCitedStep] = useState(false);
  // After a reload, the stored study's world and layout, so clicking again continues it rather
  // than starting over; the choices wait (disabled) until they are read.
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    // The Visual tokens choice shows the stored import setting, which the study uses, even when
    // the Library page was not opened first.
    void loadPipeline();
    void storedReproduce()
      .then((stored) => {
        if (!live || !stored) return;
        setSize(stored.size);
        setLayout(stored.layout);
        setRecipe(stored.recipe);
        setSftQuestions(stored.sftQuestions);
        setWorlds(stored.worlds);
        setFirstWorld(String(stored.firstWorld));
        setSingleClip(stored.singleClip);
        setCitedStep(stored.citedStep);
      })
      // No storage (the studio says so elsewhere): the defaults.
      .catch(() => undefined)
      .finally(() => {
        if (live) setLoaded(true);
      });
    return () => {
      live = false;
    };
  }, []);
  const locked = state.running || !loaded;
  const pipeline = useStudio((s) => s.library.pipeline);
  const current = valueOf(pipeline.embedder);
  const evalForm = useStudio((s) => s.evaluation.form);
  const setEvaluation = useStudio((s) => s.setEvaluation);
  // One click to the settings that showed the effect; the study starts with the next click.
  const fillEffectStudy = (): void => {
    const e = EFFECT_STUDY;
    setSize(e.size);
    setRecipe(e.recipe);
    setLayout(recipeLayout(e.recipe));
    setSftQuestions(e.sftQuestions);
    setWorlds(e.worlds);
    setFirstWorld(String(defaultFirstWorld(e.size)));
    setSingleClip(e.singleClip);
    setCitedStep(false);
    setEvaluation({ form: { ...evalForm, lengths: e.lengths } });
    const features = FEATURE_CHOICES.find((f) => f.value === e.features);
    if (features && current !== e.features) void setPipeline({ ...pipeline, embedder: features.choice });
  };
  return (
    <section className="card" aria-labelledby="reproduce-title">
      <h2 id="reproduce-title">Reproduce LongVPO</h2>
      <p className="muted">
        The whole study on the demo world, offline: import the demo, synthesize Stage 1 and Stage 2 triples, train SFT → Stage 1 DPO → Stage 2 DPO, and evaluate every checkpoint on a held-out world (first world’s seed + 1000), then again with the clips hidden (does the model look?). Finished steps are kept: after a reload, click again to continue. Small: a few minutes; full: about 20 minutes on two cores (with region tokens about an hour). The visual tokens are the Library’s import setting: changing them embeds the demo’s videos again and starts the runs over. The question’s place (after the clips, or before and after them) is the SFT model’s layout; changing it starts the runs over too. The SFT questions can also be asked without naming the clip’s scene, as the sixteen-world studies did, and the study can train on several demo worlds (seeds 42, 43, …, or from the First world on), each generated, imported and synthesized apart; changing either starts the runs over too. One world is too few for the LongVPO effect: it reads the clips from thirty-two full worlds with object tokens and the curriculum (docs/results.md), a study of about 2 h 20 min here; Use the 32-world study fills in those settings. The curriculum recipe adds two supervised steps on shorter composites before Stage 1 and replays Stage 1 pairs in Stage 2 (about twice the training time); its effect needs visual tokens the policy can read (docs/results.md). The spread recipe makes those two steps on composites that keep every slot, two and then four clips repeated over them, so the anchor sits at every distance from the question (about 1.5× the curriculum’s time; it keeps the positions even, with a smaller gain: docs/results.md). Single-clip pairs train a share of Stage 1’s pairs once more with the anchor alone, so the study’s Stage 1 keeps the single-clip skill (docs/results.md); changing the share trains Stage 1 and Stage 2 again and keeps the runs before them. The evaluations use the probe settings below (Lengths, Anchors): 240 anchors resolve the best − worst position gap to about 4 points instead of 8, each evaluation taking about four times as long; changing them evaluates again and keeps the trained runs.
      </p>
      <div className="row">
        <Choice id="r-size" label="World" value={size} options={SIZES} disabled={locked} onChange={setSize} />
        <label htmlFor="r-features">Visual tokens</label>
        <select
          id="r-features"
          value={current}
          disabled={state.running}
          title="The Library's import setting (Library → Import settings): the demo's videos are embedded again with it"
          onChange={(e) => {
            const picked = FEATURE_CHOICES.find((f) => f.value === e.target.value);
            if (picked) void setPipeline({ ...pipeline, embedder: picked.choice });
          }}
        >
          {FEATURE_CHOICES.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
          {current === 'url' ? <option value="url">the custom model of Library → Import settings</option> : null}
        </select>
        <Choice
          id="r-recipe"
          label="Recipe"
          value={recipe}
          options={RECIPES.map((r) => ({ value: r, label: RECIPE_LABELS[r] }))}
          disabled={locked}
          title="The paper's three runs, or the curriculum that gained 10 to 13 points at 16 clips on sixteen training worlds, with object tokens from pixels as with fact tokens (docs/results.md): supervised steps on 2- then 4-clip composites before Stage 1, and Stage 2 with as many Stage 1 pairs replayed. It sets the question's place to before and after the clips. Changing it starts the runs over; the triples are kept."
          onChange={(picked) => {
            setRecipe(picked);
            setLayout(recipeLayout(picked));
          }}
        />
        <Choice
          id="r-layout"
          label="Question"
          value={layout}
          options={SEQUENCE_LAYOUTS.map((l) => ({ value: l, label: LAYOUT_LABELS[l] }))}
          disabled={locked}
          title="Where the SFT model's question sits (docs/training.md, Layout); Stage 1 and 2 keep it. Changing it starts the runs over; the triples are kept."
          onChange={setLayout}
        />
        <Choice
          id="r-sft-questions"
          label="SFT questions"
          value={sftQuestions}
          options={SFT_QUESTION_FORMS.map((f) => ({ value: f, label: SFT_QUESTION_LABELS[f] }))}
          disabled={locked}
          title="The wording of the SFT model's single-clip questions (docs/training.md, SFT questions): a question that names the clip's scene can be answered from its words alone; without the scene only looking answers it. The held-out probe always asks the anchored form. Changing it starts the runs over; the triples are kept."
          onChange={setSftQuestions}
        />
        <label htmlFor="r-worlds">Training worlds</label>
        <input
          id="r-worlds"
          type="number"
          min={1}
          max={MAX_STUDY_WORLDS}
          step={1}
          value={worlds}
          disabled={locked}
          title={`Demo worlds to train on (1 to ${MAX_STUDY_WORLDS}), seeds First world, First world + 1, … (42, 43, … by default): each is generated and imported, synthesized apart, and all train together, with fewer epochs on more worlds (reproduce --train-worlds). One world is too few for the effect; with 16 the gains of docs/results.md were the answer prior, with 32 (about two hours in Node) the policy read the clips. Changing it starts the runs over; worlds and triples already made are kept.`}
          onChange={(e) => {
            const n = Math.round(Number(e.target.value));
            if (Number.isFinite(n)) setWorlds(Math.min(MAX_STUDY_WORLDS, Math.max(1, n)));
          }}
        />
        <label htmlFor="r-first-world">First world</label>
        <input
          id="r-first-world"
          type="number"
          min={FIRST_WORLD_RANGE.min}
          max={FIRST_WORLD_RANGE.max}
          step={1}
          value={firstWorld}
          disabled={locked}
          style={{ width: '7em' }}
          title={`The demo seed of the first training world (reproduce --seed): the training worlds are it, it + 1, …, and the held-out world is it + 1000. Another value is another draw of the whole study (docs/results.md reports several). Changing it starts the runs over; the library must hold no other demo worlds.`}
          onChange={(e) => setFirstWorld(e.target.value)}
        />
        <label htmlFor="r-single-clip">Single-clip pairs</label>
        <input
          id="r-single-clip"
          type="number"
          min={0}
          max={1}
          step={0.25}
          value={singleClip}
          disabled={locked}
          style={{ width: '5em' }}
          title="Share of Stage 1's pairs trained once more with the anchor alone (reproduce --single-clip; Train → Single-clip pairs). 0 is the paper's: every Stage 1 pair is long, and the single-clip probe fell 6 to 13 points; 0.5 kept it within 2 points of SFT (docs/results.md, “Single-clip pairs in Stage 1”). Changing it trains Stage 1 and Stage 2 again; the runs before them are kept."
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v)) setSingleClip(Math.min(1, Math.max(0, v)));
          }}
        />
        <label title="A supervised step between Stage 1 and Stage 2 on each Stage 2 pair's cited scenes alone (β 1e-4, lr 1e-3, 3 epochs, Stage 1 replay; Train → Cited scenes only), Stage 2 DPO then starting from it (reproduce --cited-step). It gave the first Stage 2 policy that reads cross-scene queries (docs/results.md). Changing it trains Stage 2 again; the runs before it are kept.">
          <input type="checkbox" checked={citedStep} disabled={locked} onChange={(e) => setCitedStep(e.target.checked)} /> Cited-scenes step before Stage 2
        </label>
        <button
          type="button"
          disabled={locked}
          onClick={fillEffectStudy}
          title="Fills in the settings of the study that showed the effect in this browser: 32 full worlds, object tokens, the curriculum, SFT questions in both wordings, single-clip pairs 0.5, probe lengths 1, 2, 4, 16 (docs/results.md). It runs about 2 h 20 min on two cores; finished steps are kept, so it can span several sittings."
        >
          Use the 32-world study (about 2 h 20 min)
        </button>
        <button type="button" disabled={locked} onClick={() => void reproduce(size, { layout, recipe, sftQuestions, worlds, firstWorld: Number(firstWorld), singleClip, citedStep })}>
          Reproduce LongVPO
        </button>
        {state.running ? (
          <button type="button" onClick={cancelReproduce}>
            Cancel
          </button>
        ) : null}
      </div>
      {Object.keys(state.steps).length > 0 ? (
        <ol className="timeline-steps" aria-label="Reproduce steps" data-testid="reproduce-steps">
          {reproduceSteps(recipe, { citedStep }).map((s) => {
            const st = state.steps[s] ?? 'waiting';
            return (
              <li key={s} data-state={st} data-testid={`reproduce-${s}`}>
                <span aria-hidden="true">{MARK[st]}</span> {stepLabel(s, recipe, singleClip)} <span className="muted">{st === 'kept' ? 'kept from before' : st}</span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
