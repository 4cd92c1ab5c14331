import { useState } from 'react';
import { DEFAULT_PROMPTS, editPrompt, PROMPT_PLACEHOLDERS, promptProblems, type PromptRole, type PromptSet } from '../../net/prompts';
import { saveEndpointPrompts } from '../../state/generatorsService';
import { useStudio } from '../../state/store';

type Texts = Record<PromptRole, { system: string; user: string }>;

const ROLES = Object.keys(DEFAULT_PROMPTS) as PromptRole[];

function textsOf(prompts: PromptSet): Texts {
  return Object.fromEntries(ROLES.map((r) => [r, { system: prompts[r].system, user: prompts[r].user }])) as Texts;
}

/**
 * The endpoint's prompt templates, one system/user pair per role. Saving bumps the version of
 * each changed prompt only (`editPrompt`), so `id@version` in provenance always names one text.
 */
export function PromptsEditor() {
  const saved = useStudio((s) => s.generators.endpoint.prompts);
  const [draft, setDraft] = useState<Texts>(() => textsOf(saved));
  const edited = ROLES.map((r) => ({ ...saved[r], ...draft[r] }));
  const problems = Object.fromEntries(edited.map((p) => [p.role, promptProblems(p)])) as Record<PromptRole, string[]>;
  const changed = ROLES.filter((r) => draft[r].system !== saved[r].system || draft[r].user !== saved[r].user);
  const blocked = ROLES.some((r) => problems[r].length > 0);
  const customised = ROLES.filter((r) => saved[r].system !== DEFAULT_PROMPTS[r].system || saved[r].user !== DEFAULT_PROMPTS[r].user).length;
  const patch = (role: PromptRole, p: Partial<Texts[PromptRole]>) => setDraft((d) => ({ ...d, [role]: { ...d[role], ...p } }));

  const save = () => {
    const next = Object.fromEntries(ROLES.map((r) => [r, editPrompt(saved[r], draft[r])])) as PromptSet;
    void saveEndpointPrompts(next);
  };

  return (
    <details className="prompts" data-testid="prompts-editor">
      <summary>
        Prompts ({customised === 0 ? 'defaults' : `${customised} edited`}
        {changed.length ? `; ${changed.length} unsaved` : ''})
      </summary>
      <p className="muted">
        Each role is one JSON-mode chat request: the system text, then the user text with its <code>{'{placeholders}'}</code> filled (and the clip’s
        frames for vision roles). The reply is parsed as JSON, so keep asking for the shape shown.
      </p>
      {ROLES.map((role) => {
        const p = saved[role];
        return (
          <fieldset key={role} data-testid={`prompt-${role}`}>
            <legend>
              {role} — <code>{`${p.id}@${p.version}`}</code>
            </legend>
            <label htmlFor={`prompt-${role}-system`}>System</label>
            <textarea id={`prompt-${role}-system`} rows={4} style={{ width: '100%' }} spellCheck={false} value={draft[role].system} onChange={(e) => patch(role, { system: e.target.value })} />
            <label htmlFor={`prompt-${role}-user`}>User</label>
            <textarea id={`prompt-${role}-user`} rows={3} style={{ width: '100%' }} spellCheck={false} value={draft[role].user} onChange={(e) => patch(role, { user: e.target.value })} />
            <span className="muted">
              Placeholders: {PROMPT_PLACEHOLDERS[role].map((n) => `{${n}}`).join(' ')} · reply: <code>{p.reply}</code>
            </span>
            {problems[role].length > 0 ? (
              <ul className="problems" data-testid={`prompt-${role}-problems`}>
                {problems[role].map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            ) : null}
          </fieldset>
        );
      })}
      <p className="actions">
        <button type="button" disabled={changed.length === 0 || blocked} onClick={save}>
          Save prompts
        </button>{' '}
        <button type="button" disabled={changed.length === 0} onClick={() => setDraft(textsOf(saved))}>
          Discard changes
        </button>{' '}
        <button type="button" onClick={() => setDraft(textsOf(DEFAULT_PROMPTS))}>
          Reset to defaults
        </button>{' '}
        {blocked ? <span className="muted">Fix the problems shown to save.</span> : null}
      </p>
    </details>
  );
}
