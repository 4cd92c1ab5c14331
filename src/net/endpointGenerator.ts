// The Generator backed by an OpenAI-compatible chat endpoint the user configures (issue #4,
// DESIGN.md §2 "Generators"). Each role is one JSON-mode chat request built from an editable
// prompt template; vision roles attach the clip's frames as image parts. Replies are checked
// field by field, so a model that drifts from the asked shape fails with the field's name.

import type {
  AnchoredQA,
  AnchoredQARequest,
  AnswerRequest,
  CancelSignal,
  CaptionRequest,
  ClipRef,
  CrossSceneQuery,
  CrossSceneQueryRequest,
  Generated,
  Generator,
  Provenance,
  SpecificityVerdict,
  Stage1TaskType,
  Stage2TaskType,
} from '../core/generators/types';
import { GeneratorReplyError, GeneratorUnavailableError } from '../core/generators/types';
import { ChatClient, EndpointReplyError, EndpointSchemaError, type ChatClientOptions, type ChatContentPart, type ChatMessage } from './chatClient';
import { DEFAULT_PROMPTS, fillTemplate, type PromptRole, type PromptSet, type PromptTemplate } from './prompts';

export interface EndpointConfig {
  /** API root, e.g. `http://localhost:11434/v1` (Ollama) or `https://api.openai.com/v1`. */
  baseUrl: string;
  model: string;
  /** Kept locally; sent only as `Authorization: Bearer …` to `baseUrl`. */
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  /** Frames sent per clip, evenly spaced over the clip. */
  maxFramesPerClip: number;
  prompts: PromptSet;
  temperature?: number;
}

export const DEFAULT_ENDPOINT_CONFIG: Omit<EndpointConfig, 'baseUrl' | 'model' | 'apiKey'> = {
  timeoutMs: 60_000,
  maxRetries: 3,
  concurrency: 4,
  maxFramesPerClip: 8,
  prompts: DEFAULT_PROMPTS,
  temperature: 0.2,
};

/** A full config from the required fields plus any overrides. */
export function endpointConfig(c: Pick<EndpointConfig, 'baseUrl' | 'model'> & Partial<EndpointConfig>): EndpointConfig {
  return { ...DEFAULT_ENDPOINT_CONFIG, ...c, prompts: { ...DEFAULT_PROMPTS, ...c.prompts } };
}

/** Test seams and tuning passed through to the ChatClient. */
export type EndpointDeps = Pick<ChatClientOptions, 'fetch' | 'sleep' | 'random' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxRetryAfterMs'>;

const STAGE1_TASKS: readonly Stage1TaskType[] = ['anchored_qa', 'detail'];
const STAGE2_TASKS: readonly Stage2TaskType[] = ['temporal_order', 'cross_scene_association', 'visual_semantic', 'detail', 'counting'];

export class EndpointGenerator implements Generator {
  readonly kind = 'endpoint' as const;
  readonly label: string;
  private readonly client: ChatClient;
  /** The config without the key: only the client holds it (see chatClient.ts). */
  private readonly config: Omit<EndpointConfig, 'apiKey'>;

  constructor(config: EndpointConfig, deps: EndpointDeps = {}) {
    const { apiKey, ...rest } = config;
    this.config = rest;
    this.client = new ChatClient({ ...deps, ...rest, apiKey });
    this.label = `Endpoint: ${config.model} at ${this.client.baseUrl}`;
  }

  async caption(req: CaptionRequest, signal?: CancelSignal): Promise<Generated<string>> {
    const previous = req.previousCaptions ?? [];
    const role: PromptRole = previous.length > 0 ? 'caption_recursive' : 'caption';
    const frames = await this.frames(req.clip, signal);
    if (frames.length === 0) throw noFrames(req.clip, 'caption');
    const values = {
      ...clipValues(req.clip, frames.length),
      scene_number: previous.length + 1,
      previous_captions: previous.map((c, i) => `Scene #${i + 1}: ${c}`).join('\n'),
    };
    return this.ask(role, values, imageParts(frames), signal, (r) => r.text('caption'));
  }

  async anchoredQA(req: AnchoredQARequest, signal?: CancelSignal): Promise<Generated<AnchoredQA>> {
    const frames = await this.frames(req.clip, signal);
    // Without frames the question can still be written from the caption (text-only).
    if (frames.length === 0 && !req.caption) throw noFrames(req.clip, 'question');
    const values = { ...clipValues(req.clip, frames.length), caption: req.caption ?? '(not available)' };
    return this.ask('anchored_qa', values, imageParts(frames), signal, (r) => ({
      question: r.text('question'),
      answer: r.text('answer'),
      family: r.optionalText('family') ?? 'other',
      taskType: r.oneOf('task_type', STAGE1_TASKS, 'anchored_qa'),
    }));
  }

  async answer(req: AnswerRequest, signal?: CancelSignal): Promise<Generated<string>> {
    const parts: ChatContentPart[] = [];
    const scenes = req.sceneNumbers;
    // Stage 2 scenes keep their numbers in the video, so the answer can cite them as the query did.
    const labelOf = (i: number): string => (scenes ? `Scene #${scenes[i] ?? i + 1}` : `Clip ${i + 1}`);
    for (const [i, clip] of req.clips.entries()) {
      const frames = await this.frames(clip, signal);
      if (frames.length) parts.push({ type: 'text', text: `${labelOf(i)} (${clipSpan(clip)}):` }, ...imageParts(frames));
    }
    const captions = (req.captions ?? []).map((c, i) => (c ? `${labelOf(i)}: ${c}` : '')).filter(Boolean);
    if (parts.length === 0 && captions.length === 0) {
      throw new GeneratorUnavailableError('The clips to answer from have neither frames nor captions.', 'Import the clips\' frames first (Library), or pass their captions.');
    }
    if (scenes) {
      const values = { question: req.question, scene_count: req.clips.length, scene_list: req.clips.map((_, i) => labelOf(i)).join(', '), captions: captions.join('\n') || '(none)' };
      return this.ask('scene_answer', values, parts, signal, (r) => r.text('answer'));
    }
    const values = { question: req.question, clip_count: req.clips.length, captions: captions.join('\n') || '(none)' };
    return this.ask('answer', values, parts, signal, (r) => r.text('answer'));
  }

  async crossSceneQuery(req: CrossSceneQueryRequest, signal?: CancelSignal): Promise<Generated<CrossSceneQuery>> {
    const scenes = [...req.captions].sort((a, b) => a.index - b.index);
    if (scenes.length < 2) throw new GeneratorUnavailableError('A cross-scene query needs captions of at least two scenes.', 'Caption the video\'s scenes first.');
    const shown = new Set(scenes.map((s) => s.index + 1)); // "Scene #k" is 1-based (types.ts)
    const values = {
      scene_count: scenes.length,
      scenes: scenes.map((s) => `Scene #${s.index + 1}: ${s.caption}`).join('\n'),
      task_types: STAGE2_TASKS.join(', '),
    };
    // A reply that is not JSON or lacks a usable field is the model's fault, not the run's:
    // Stage 2 counts it as an "unparseable" discard (GeneratorReplyError) and asks again.
    return this.ask('cross_scene_query', values, [], signal, (r) => {
      const cited = r.integers('cited_scenes', (k) => shown.has(k), `scene numbers shown to the model (${[...shown].join(', ')})`);
      if (new Set(cited).size < 2) r.fail('cited_scenes', 'at least two different scenes: the query must need cross-scene reasoning');
      return {
        question: r.text('question'),
        answer: r.text('answer'),
        reasoning: r.text('reasoning'),
        citedScenes: [...new Set(cited)].sort((a, b) => a - b).map((k) => k - 1),
        taskType: r.oneOf('task_type', STAGE2_TASKS),
      };
    }).catch((e: unknown) => {
      if (e instanceof EndpointSchemaError || e instanceof EndpointReplyError) throw new GeneratorReplyError(e.message, e.hint);
      throw e;
    });
  }

  /** The model's verdict; listing any other clip in `answerable_by` makes the question not specific. */
  async judgeSpecificity(req: { question: string; anchor: ClipRef; others: ClipRef[] }, signal?: CancelSignal): Promise<Generated<SpecificityVerdict>> {
    const anchorFrames = await this.frames(req.anchor, signal);
    if (anchorFrames.length === 0) throw noFrames(req.anchor, 'specificity verdict');
    const parts: ChatContentPart[] = [{ type: 'text', text: `Anchor clip (${clipSpan(req.anchor)}):` }, ...imageParts(anchorFrames)];
    for (const [i, clip] of req.others.entries()) {
      parts.push({ type: 'text', text: `Clip ${i + 1} (${clipSpan(clip)}):` }, ...imageParts(await this.frames(clip, signal)));
    }
    const values = { question: req.question, other_count: req.others.length };
    return this.ask('judge_specificity', values, parts, signal, (r) => {
      const numbers = r.integers('answerable_by', (k) => k >= 1 && k <= req.others.length, `numbers of the other clips (1–${req.others.length})`);
      const answerableBy = [...new Set(numbers)].map((k) => req.others[k - 1]?.id ?? '');
      return { specific: r.boolean('specific') && answerableBy.length === 0, answerableBy, reason: r.text('reason') };
    });
  }

  private async ask<T>(
    role: PromptRole,
    values: Record<string, string | number>,
    media: ChatContentPart[],
    signal: CancelSignal | undefined,
    read: (reply: ReplyReader) => T,
  ): Promise<Generated<T>> {
    const prompt = this.config.prompts[role];
    const user = fillTemplate(prompt.user, values);
    const messages: ChatMessage[] = [
      { role: 'system', content: fillTemplate(prompt.system, values) },
      { role: 'user', content: media.length ? [{ type: 'text', text: user }, ...media] : user },
    ];
    const reply = await this.client.completeJson(messages, { signal, temperature: this.config.temperature });
    return { value: read(new ReplyReader(reply.json, prompt, this.config.model)), provenance: this.provenance(prompt) };
  }

  private async frames(clip: ClipRef, signal: CancelSignal | undefined): Promise<string[]> {
    throwIfAborted(signal);
    const all = clip.loadFrames ? await clip.loadFrames() : [];
    throwIfAborted(signal);
    return evenlySpaced(all, this.config.maxFramesPerClip);
  }

  private provenance(prompt: PromptTemplate): Provenance {
    return { generator: 'endpoint', model: this.config.model, promptId: prompt.id, promptVersion: prompt.version };
  }
}

/** `k` items at the centres of `k` equal parts of the list (all of it when it is short). */
export function evenlySpaced<T>(items: readonly T[], k: number): T[] {
  if (items.length <= k) return [...items];
  if (k <= 0) return [];
  return Array.from({ length: k }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / k)] as T);
}

function imageParts(frames: string[]): ChatContentPart[] {
  return frames.map((url) => ({ type: 'image_url', image_url: { url } }));
}

function clipValues(clip: ClipRef, frameCount: number): Record<string, string | number> {
  return { video_name: clip.videoName, start_s: seconds(clip.startS), end_s: seconds(clip.endS), frame_count: frameCount };
}

function clipSpan(clip: ClipRef): string {
  return `${seconds(clip.startS)}–${seconds(clip.endS)} s of "${clip.videoName}"`;
}

function seconds(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

function noFrames(clip: ClipRef, what: string): GeneratorUnavailableError {
  return new GeneratorUnavailableError(
    `No frames of ${clipSpan(clip)} to show the model for a ${what}.`,
    'Import the video in the Library first so its frames are sampled, then try again.',
  );
}

function throwIfAborted(signal: CancelSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error || signal.reason instanceof DOMException ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

/** Reads fields of a JSON reply; each failure names the field, the expectation and the prompt. */
class ReplyReader {
  private readonly obj: Record<string, unknown>;
  constructor(
    json: unknown,
    private readonly prompt: PromptTemplate,
    private readonly model: string,
  ) {
    this.obj = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
    if (this.obj !== json) this.fail('(reply)', 'a JSON object');
  }

  fail(field: string, expected: string): never {
    const got = this.obj[field];
    const what = field === '(reply)' ? 'was not a JSON object' : got === undefined ? `lacks "${field}"` : `has an unusable "${field}" (${JSON.stringify(got).slice(0, 60)})`;
    throw new EndpointSchemaError(
      `Model "${this.model}"'s reply to the ${this.prompt.role} prompt ${what}; expected ${expected}.`,
      `The prompt (${this.prompt.id}@${this.prompt.version}) asks for ${this.prompt.reply}. Try again, edit the prompt to ask for exactly that shape, or choose a model that follows instructions better.`,
    );
  }

  text(field: string): string {
    const v = this.obj[field];
    if (typeof v !== 'string' || !v.trim()) this.fail(field, 'a non-empty string');
    return v.trim();
  }

  optionalText(field: string): string | undefined {
    return this.obj[field] === undefined || this.obj[field] === null ? undefined : this.text(field);
  }

  boolean(field: string): boolean {
    const v = this.obj[field];
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v;
  }

  /** Normalises "Temporal Order" → `temporal_order`; `fallback` applies only when the field is absent. */
  oneOf<T extends string>(field: string, allowed: readonly T[], fallback?: T): T {
    const v = this.obj[field];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    const norm = typeof v === 'string' ? v.trim().toLowerCase().replace(/[\s-]+/g, '_') : '';
    const hit = allowed.find((a) => a === norm);
    if (!hit) this.fail(field, `one of ${allowed.join(', ')}`);
    return hit;
  }

  integers(field: string, ok: (k: number) => boolean, what: string): number[] {
    const v = this.obj[field];
    const list = Array.isArray(v) ? v.map((k) => (typeof k === 'string' && /^\s*\d+\s*$/.test(k) ? Number(k) : k)) : undefined;
    if (!list || !list.every((k) => Number.isInteger(k) && ok(k as number))) this.fail(field, `an array of ${what}`);
    return list as number[];
  }
}
