// Default prompt templates for the endpoint generator (issue #4). Prompts are data: the UI shows
// and edits them, and every generated text records `id@version` (DESIGN.md §2 "Generators").
// Placeholders are `{name}`; the JSON examples in the text are not placeholders (they hold quotes).

export type PromptRole = 'caption' | 'caption_recursive' | 'anchored_qa' | 'answer' | 'cross_scene_query' | 'scene_answer' | 'judge_specificity';

export interface PromptTemplate {
  /** Stable id recorded in provenance; the role's name for the defaults. */
  id: string;
  role: PromptRole;
  /** Bumped by `editPrompt` whenever the text changes. */
  version: number;
  system: string;
  /** User text with `{placeholders}`; frames, when the role sends them, follow it. */
  user: string;
  /** The JSON object the reply must be (shown in the UI; the system text asks for it). */
  reply: string;
}

export type PromptSet = Record<PromptRole, PromptTemplate>;

/** The placeholders each role fills. Anything else in `{…}` is reported by `promptProblems`. */
export const PROMPT_PLACEHOLDERS: Record<PromptRole, readonly string[]> = {
  caption: ['video_name', 'start_s', 'end_s', 'frame_count'],
  caption_recursive: ['video_name', 'start_s', 'end_s', 'frame_count', 'scene_number', 'previous_captions'],
  anchored_qa: ['video_name', 'start_s', 'end_s', 'frame_count', 'caption'],
  answer: ['question', 'clip_count', 'captions'],
  cross_scene_query: ['scene_count', 'scenes', 'task_types'],
  scene_answer: ['question', 'scene_count', 'scene_list', 'captions'],
  judge_specificity: ['question', 'other_count'],
};

/** Roles whose messages carry clip frames as image parts. */
export const VISION_ROLES: ReadonlySet<PromptRole> = new Set(['caption', 'caption_recursive', 'anchored_qa', 'answer', 'scene_answer', 'judge_specificity']);

const JSON_ONLY = 'Reply with one JSON object and nothing else:';

function template(role: PromptRole, system: string, user: string, reply: string): PromptTemplate {
  return { id: role, role, version: 1, system: `${system}\n${JSON_ONLY} ${reply}`, user, reply };
}

export const DEFAULT_PROMPTS: PromptSet = {
  caption: template(
    'caption',
    'You describe short video clips for a video-understanding dataset. Describe only what is visible: objects, colours, positions, actions and how they change over time. No speculation.',
    'These are {frame_count} frames, in order, of the clip {start_s}–{end_s} s of "{video_name}". Write a detailed caption of the clip.',
    '{"caption": "<one paragraph>"}',
  ),
  caption_recursive: template(
    'caption_recursive',
    'You caption the scenes of a long video one by one, in order. Use the captions of the earlier scenes for context (recurring people, objects, places) but describe only what this scene shows.',
    'Captions of the earlier scenes:\n{previous_captions}\n\nThese are {frame_count} frames of Scene #{scene_number} ({start_s}–{end_s} s of "{video_name}"). Write its caption.',
    '{"caption": "<one paragraph>"}',
  ),
  anchored_qa: template(
    'anchored_qa',
    'You write one question about a short video clip that can be answered only by watching this clip: ask about a visual detail specific to it (a colour, a count, a direction, a relative position), never about general knowledge. Then answer it from the clip.',
    'Clip {start_s}–{end_s} s of "{video_name}" ({frame_count} frames follow). Its caption: {caption}\nWrite the question and its answer.',
    '{"question": "<question>", "answer": "<short answer>", "family": "colour | shape | direction | count | relative_position | presence | other", "task_type": "anchored_qa | detail"}',
  ),
  answer: template(
    'answer',
    'You answer a question about video clips using only what the clips show. If they do not show it, give your best guess from what you see; do not say that you cannot see it.',
    'Question: {question}\n\n{clip_count} clip(s) follow, each labelled. Captions, where known:\n{captions}',
    '{"answer": "<short answer>"}',
  ),
  cross_scene_query: template(
    'cross_scene_query',
    'You read the scene captions of a long video and write one question that can be answered only by combining several scenes (cross-scene reasoning), its answer, and a reasoning chain that cites the scenes it uses as "Scene #k".',
    'The video has {scene_count} scenes:\n{scenes}\n\nWrite a question of one of these task types: {task_types}. "cited_scenes" lists the scene numbers (k of Scene #k) the reasoning uses, at least two.',
    '{"question": "<question>", "answer": "<answer>", "reasoning": "<chain citing Scene #k>", "cited_scenes": [1, 3], "task_type": "<one of the task types>"}',
  ),
  // Stage 2 y+ and y− (DESIGN.md §1 Stage 2 step 3): the same question, answered from the scenes
  // given — all cited scenes for chosen, a degraded context for rejected — and nothing else.
  scene_answer: template(
    'scene_answer',
    'You answer a question about a long video from some of its scenes only. Use only what these scenes show; do not guess about scenes you were not shown. Refer to scenes by their numbers ("Scene #k").',
    'Question: {question}\n\nYou are shown {scene_count} scene(s) of the video: {scene_list}. Each follows, labelled. Captions:\n{captions}',
    '{"answer": "<short answer>"}',
  ),
  judge_specificity: template(
    'judge_specificity',
    'You check whether a question about an anchor clip depends on that clip alone. For each other clip, decide whether it shows enough to answer the question too.',
    'Question: {question}\n\nThe anchor clip comes first, then {other_count} other clip(s) labelled "Clip 1", "Clip 2", …. "answerable_by" lists the numbers of the other clips that could answer it.',
    '{"specific": true, "answerable_by": [], "reason": "<one sentence>"}',
  ),
};

/** Fills `{name}` placeholders; unknown names are left as written (see `promptProblems`). */
export function fillTemplate(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Placeholder names used in a text. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] ?? ''))];
}

/** Problems a UI should show before saving an edited prompt; empty when it is usable. */
export function promptProblems(p: PromptTemplate): string[] {
  const allowed = PROMPT_PLACEHOLDERS[p.role];
  const unknown = placeholders(`${p.system}\n${p.user}`).filter((n) => !allowed.includes(n));
  const out = unknown.map((n) => `{${n}} is not filled for the ${p.role} prompt; use one of ${allowed.map((a) => `{${a}}`).join(', ')}.`);
  if (!p.user.trim()) out.push('The user text is empty.');
  if (!/json/i.test(p.system + p.user)) out.push('The prompt should ask for a JSON reply; the reply is parsed as JSON.');
  return out;
}

/** A copy with the edits applied and the version bumped when the text changed. */
export function editPrompt(p: PromptTemplate, edits: Partial<Pick<PromptTemplate, 'system' | 'user'>>): PromptTemplate {
  const next = { ...p, ...edits };
  const changed = next.system !== p.system || next.user !== p.user;
  return changed ? { ...next, version: p.version + 1 } : p;
}
