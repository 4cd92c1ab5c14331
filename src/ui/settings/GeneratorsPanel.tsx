import { useEffect } from 'react';
import { deleteAnnotationSet, importAnnotationFiles, loadGenerators, setActiveGenerator } from '../../state/generatorsService';
import { useStudio } from '../../state/store';
import type { GeneratorChoice } from '../../storage/settingsRepo';
import { FileButton } from '../common/FileButton';
import { ResultTable } from '../common/ResultTable';
import { EndpointForm } from './EndpointForm';
import { PromptsEditor } from './PromptsEditor';

const CHOICES: { id: GeneratorChoice; label: string; explanation: string }[] = [
  {
    id: 'oracle',
    label: 'Oracle — demo world ground truth',
    explanation: 'Exact captions, questions and answers for the demo world’s videos (run the demo in the Library first); offline.',
  },
  {
    id: 'imported',
    label: 'Imported annotations',
    explanation: 'Captions, QA and cross-scene queries from the files you import below (studio JSONL or LLaVA-Video JSON).',
  },
  {
    id: 'endpoint',
    label: 'OpenAI-compatible endpoint',
    explanation: 'A vision-language model you run or rent (vLLM, Ollama, llama.cpp server, OpenAI …) writes them, with the prompts below.',
  },
];

/** Settings → Generators (issue #4): who writes captions, questions and answers for synthesis. */
export function GeneratorsPanel() {
  const { loaded, active } = useStudio((s) => s.generators);

  useEffect(() => {
    void loadGenerators();
  }, []);

  return (
    <section className="card" aria-labelledby="generators-title" data-testid="generators-panel">
      <h2 id="generators-title">Generators</h2>
      <p className="muted">Who writes captions, questions and answers when triples are synthesized. Every generated text records its generator and prompt.</p>
      <fieldset disabled={!loaded}>
        <legend>Active generator</legend>
        {CHOICES.map((c) => (
          <div key={c.id}>
            <label>
              <input
                type="radio"
                name="active-generator"
                value={c.id}
                checked={active === c.id}
                aria-describedby={`generator-${c.id}-explained`}
                onChange={() => void setActiveGenerator(c.id)}
              />{' '}
              {c.label}
            </label>
            <div id={`generator-${c.id}-explained`} className="muted">
              {c.explanation}
            </div>
          </div>
        ))}
      </fieldset>

      <h3>Imported annotations</h3>
      <AnnotationSets />

      <h3>Endpoint</h3>
      {loaded ? (
        <>
          <EndpointForm />
          <PromptsEditor />
        </>
      ) : (
        <p className="muted">Reading the endpoint settings…</p>
      )}
    </section>
  );
}

function AnnotationSets() {
  const { sets, importing } = useStudio((s) => s.generators);
  return (
    <>
      <p className="muted">
        Studio JSONL (one record per line: <code>video</code>, <code>start_s</code>, <code>end_s</code>, <code>caption</code>, <code>qa</code>,{' '}
        <code>cross_scene</code>) or LLaVA-Video-178K caption/QA JSON. Format and matching rules: <code>docs/annotations.md</code>. A file with any
        error is not imported; its bad lines are listed.
      </p>
      <p className="row">
        <FileButton inputLabel="Import annotation files" accept=".json,.jsonl" disabled={importing} onFiles={(files) => void importAnnotationFiles(files)}>
          Import annotations…
        </FileButton>
        {importing ? <span className="muted">Reading the files…</span> : null}
      </p>
      {sets.length === 0 ? (
        <p className="muted" data-testid="annotation-sets-empty">
          No annotations imported yet.
        </p>
      ) : (
        <ResultTable
          label="Imported annotation files"
          columns={['file', 'format', 'records', 'captions', 'QA', 'cross-scene', 'imported', '']}
          rows={sets}
          rowKey={(s) => s.id}
          rowAttributes={(s) => ({ 'data-testid': 'annotation-set-row', 'data-name': s.sourceName })}
          cells={(s) => [
            s.sourceName,
            s.format === 'llava-video' ? 'LLaVA-Video' : 'studio JSONL',
            s.counts.records,
            s.counts.captions,
            s.counts.qa,
            s.counts.crossScene,
            new Date(s.importedAt).toLocaleString(),
            <button key="delete" type="button" aria-label={`Delete annotations ${s.sourceName}`} onClick={() => void deleteAnnotationSet(s.id)}>
              Delete
            </button>,
          ]}
        />
      )}
    </>
  );
}
