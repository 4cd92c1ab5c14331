import { useRef, useState, type FormEvent } from 'react';
import { ENDPOINT_LIMITS, endpointProblems, saveEndpoint, testEndpoint, type EndpointTestResult } from '../../state/generatorsService';
import type { EndpointDraft, EndpointFields } from '../../state/generatorsSlice';
import { useStudio } from '../../state/store';
import { ProgressBar } from '../common/ProgressBar';
import { Problems } from '../common/Problems';

function fieldsOf(e: EndpointDraft): EndpointFields {
  return { baseUrl: e.baseUrl, model: e.model, timeoutMs: e.timeoutMs, maxRetries: e.maxRetries, concurrency: e.concurrency, maxFramesPerClip: e.maxFramesPerClip };
}

function NumberField({ id, label, value, range, unit, onChange }: { id: string; label: string; value: number; range: readonly [number, number]; unit: string; onChange: (v: number) => void }) {
  return (
    <label htmlFor={id} className="field">
      <span>{label}</span>
      <input id={id} type="number" inputMode="numeric" value={Number.isFinite(value) ? value : ''} step={1} min={range[0]} max={range[1]} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
      <span className="muted">{unit}</span>
    </label>
  );
}

/** The OpenAI-compatible endpoint: URL, model, key, limits; Save and Test connection. */
export function EndpointForm() {
  const saved = useStudio((s) => s.generators.endpoint);
  const savedKey = useStudio((s) => s.generators.apiKey);
  const [draft, setDraft] = useState<EndpointFields>(() => fieldsOf(saved));
  const [apiKey, setApiKey] = useState(savedKey);
  // Problems show from the first Save attempt on, and then follow the edits.
  const [attempted, setAttempted] = useState(false);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<EndpointTestResult | null>(null);
  const controller = useRef<AbortController | null>(null);
  const problems = attempted ? endpointProblems(draft) : [];
  const dirty = JSON.stringify(draft) !== JSON.stringify(fieldsOf(saved)) || apiKey !== savedKey;
  const patch = (p: Partial<EndpointFields>) => setDraft((d) => ({ ...d, ...p }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (endpointProblems(draft).length > 0) return;
    void saveEndpoint(draft, apiKey).then((ok) => {
      if (!ok) return;
      // Show what was stored (trimmed URL and model), so the form is no longer dirty.
      const { endpoint, apiKey: storedKey } = useStudio.getState().generators;
      setDraft(fieldsOf(endpoint));
      setApiKey(storedKey);
      setAttempted(false);
      setResult(null);
    });
  };

  const runTest = () => {
    const c = new AbortController();
    controller.current = c;
    setTesting(true);
    setResult(null);
    void testEndpoint(c.signal).then((r) => {
      controller.current = null;
      setTesting(false);
      setResult(r.ok ? r : null);
    });
  };

  return (
    <form onSubmit={onSubmit} aria-label="Endpoint settings" noValidate>
      <div className="fields">
        <div className="field wide">
          <label htmlFor="endpoint-url">Base URL</label>
          <input
            id="endpoint-url"
            type="text"
            inputMode="url"
            spellCheck={false}
            placeholder="http://localhost:8000/v1"
            aria-invalid={problems.some((p) => p.startsWith('Base URL'))}
            value={draft.baseUrl}
            onChange={(e) => patch({ baseUrl: e.target.value })}
          />
        </div>
        <div className="field wide">
          <label htmlFor="endpoint-model">Model</label>
          <input
            id="endpoint-model"
            type="text"
            spellCheck={false}
            placeholder="e.g. Qwen/Qwen2.5-VL-7B-Instruct"
            aria-invalid={problems.some((p) => p.startsWith('Model'))}
            value={draft.model}
            onChange={(e) => patch({ model: e.target.value })}
          />
        </div>
        <div className="field wide">
          <label htmlFor="endpoint-key">API key</label>
          <input id="endpoint-key" type="password" autoComplete="off" spellCheck={false} aria-describedby="endpoint-key-note" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          <span id="endpoint-key-note" className="muted">
            Optional. Kept in this browser only; never exported. Sent only to the base URL above.
          </span>
        </div>
      </div>
      <div className="fields">
        <NumberField id="endpoint-timeout" label="Timeout" value={draft.timeoutMs / 1000} range={[ENDPOINT_LIMITS.timeoutMs[0] / 1000, ENDPOINT_LIMITS.timeoutMs[1] / 1000]} unit="s per request" onChange={(s) => patch({ timeoutMs: s * 1000 })} />
        <NumberField id="endpoint-retries" label="Retries" value={draft.maxRetries} range={ENDPOINT_LIMITS.maxRetries} unit="on 429, 5xx and network errors" onChange={(maxRetries) => patch({ maxRetries })} />
        <NumberField id="endpoint-concurrency" label="Concurrency" value={draft.concurrency} range={ENDPOINT_LIMITS.concurrency} unit="requests at once" onChange={(concurrency) => patch({ concurrency })} />
        <NumberField id="endpoint-frames" label="Frames per clip" value={draft.maxFramesPerClip} range={ENDPOINT_LIMITS.maxFramesPerClip} unit="images sent per clip" onChange={(maxFramesPerClip) => patch({ maxFramesPerClip })} />
      </div>
      <Problems items={problems} testId="endpoint-problems" />
      <p className="muted">
        Requests go from this page straight to the endpoint, so a server on another origin must allow it (CORS: Access-Control-Allow-Origin and the
        Authorization and Content-Type headers; e.g. OLLAMA_ORIGINS=* for Ollama).
      </p>
      <p className="actions">
        <button type="submit" disabled={!dirty}>
          Save endpoint
        </button>{' '}
        <button
          type="button"
          disabled={!dirty}
          onClick={() => {
            setDraft(fieldsOf(saved));
            setApiKey(savedKey);
            setAttempted(false);
          }}
        >
          Discard changes
        </button>{' '}
        <button type="button" disabled={dirty || testing || !saved.baseUrl} aria-describedby="endpoint-test-note" onClick={runTest}>
          Test connection
        </button>{' '}
        <span id="endpoint-test-note" className="muted">
          {dirty ? 'Save first: the test uses the saved settings.' : !saved.baseUrl ? 'Save a base URL and model to test them.' : 'Sends one tiny JSON request.'}
        </span>
      </p>
      {testing ? <ProgressBar progress={null} label="Testing the connection" onCancel={() => controller.current?.abort()} /> : null}
      <p data-testid="endpoint-test" aria-live="polite">
        {result ? `OK: ${result.model} answered in ${result.ms} ms` : ''}
      </p>
    </form>
  );
}
