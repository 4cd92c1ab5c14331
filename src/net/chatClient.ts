// An OpenAI-compatible chat-completions client (issue #4): one POST per request, JSON-mode
// replies, per-request timeout, retries with backoff on 429/5xx/network errors, a concurrency
// limit, and cancellation that stops both waits and in-flight requests.
// Must: the API key never appears in an error, a log line or any thrown object — it lives in a
// private field and every text that comes back from the server is redacted before use.

import { UserFacingError } from '../core/errors';
import type { CancelSignal } from '../core/generators/types';

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

export interface ChatClientOptions {
  /** e.g. `http://localhost:11434/v1`; requests go to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per attempt, headers and body (default 60 s). Timeouts are not retried. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx and network errors (default 3). */
  maxRetries?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  temperature?: number;
  /** Backoff before retry k (0-based): base·2^k, halved plus up to half again of jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A `Retry-After` longer than this fails at once instead of stalling the run (default 60 s). */
  maxRetryAfterMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Waits between retries; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: CancelSignal) => Promise<void>;
  random?: () => number;
}

export interface ChatReply {
  /** The assistant message's text. */
  content: string;
  /** `content` parsed as JSON (code fences around it are tolerated). */
  json: unknown;
  /** Attempts used, 1 + retries. */
  attempts: number;
}

// ---------------------------------------------------------------------------------------------
// Errors: each says what happened at which endpoint and what to do. None carries the key.

export class EndpointError extends UserFacingError {
  override name = 'EndpointError';
  constructor(
    message: string,
    hint: string,
    readonly status?: number,
  ) {
    super(message, hint);
  }
}

export class EndpointAuthError extends EndpointError {
  override name = 'EndpointAuthError';
}
export class EndpointNotFoundError extends EndpointError {
  override name = 'EndpointNotFoundError';
}
export class EndpointNetworkError extends EndpointError {
  override name = 'EndpointNetworkError';
}
export class EndpointTimeoutError extends EndpointError {
  override name = 'EndpointTimeoutError';
}
export class EndpointRateLimitError extends EndpointError {
  override name = 'EndpointRateLimitError';
}
/** Any other HTTP failure (400, 5xx after the retries …), with the server's message. */
export class EndpointHttpError extends EndpointError {
  override name = 'EndpointHttpError';
}
/** The response is not a chat-completions reply, or its content is not JSON. */
export class EndpointReplyError extends EndpointError {
  override name = 'EndpointReplyError';
}
/** The reply is JSON but lacks a field the prompt asked for. */
export class EndpointSchemaError extends EndpointError {
  override name = 'EndpointSchemaError';
}

const HINT_SETTINGS = 'Settings → Generators → Endpoint';

// ---------------------------------------------------------------------------------------------

type Attempt = { ok: true; body: string } | { ok: false; error: EndpointError; retryable: boolean; retryAfterMs?: number };

export class ChatClient {
  readonly baseUrl: string;
  readonly model: string;
  #apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly temperature: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly sleep: (ms: number, signal?: CancelSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly limiter: Limiter;

  constructor(options: ChatClientOptions) {
    this.baseUrl = options.baseUrl.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/i.test(this.baseUrl)) {
      throw new EndpointError(`"${this.baseUrl}" is not an http(s) URL.`, `Enter the endpoint's base URL in ${HINT_SETTINGS}, e.g. http://localhost:11434/v1.`);
    }
    this.model = options.model;
    this.#apiKey = options.apiKey || undefined;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.temperature = options.temperature ?? 0.2;
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.limiter = new Limiter(Math.max(1, options.concurrency ?? 4));
  }

  /** Sends the messages and returns the reply parsed as JSON. */
  async completeJson(messages: ChatMessage[], options: { signal?: CancelSignal; temperature?: number } = {}): Promise<ChatReply> {
    const body = JSON.stringify({ model: this.model, messages, response_format: { type: 'json_object' }, temperature: options.temperature ?? this.temperature });
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(options.signal);
      const release = await this.limiter.acquire(options.signal);
      let result: Attempt;
      try {
        result = await this.attempt(body, options.signal);
      } finally {
        release();
      }
      if (result.ok) return { ...this.parseReply(result.body), attempts: attempt + 1 };
      if (!result.retryable || attempt >= this.maxRetries) throw result.error;
      if (result.retryAfterMs !== undefined && result.retryAfterMs > this.maxRetryAfterMs) {
        throw new EndpointRateLimitError(
          `${this.baseUrl} asks to wait ${Math.ceil(result.retryAfterMs / 1000)} s before the next request (HTTP ${result.error.status}).`,
          'The endpoint is rate-limiting this key. Try again later, lower the concurrency, or use a plan with a higher limit.',
          result.error.status,
        );
      }
      await this.sleep(result.retryAfterMs ?? this.backoffMs(attempt), options.signal);
    }
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt);
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  private async attempt(body: string, signal: CancelSignal | undefined): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener?.('abort', onAbort, { once: true });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.#apiKey) headers.Authorization = `Bearer ${this.#apiKey}`;
    try {
      const res = await this.fetchFn(`${this.baseUrl}/chat/completions`, { method: 'POST', headers, body, signal: controller.signal });
      const text = await res.text();
      if (res.ok) return { ok: true, body: text };
      return this.httpFailure(res.status, text, res.headers.get('retry-after'));
    } catch {
      // The caught error is dropped on purpose: it may hold the request (and its headers).
      throwIfAborted(signal);
      if (timedOut) {
        return {
          ok: false,
          retryable: false,
          error: new EndpointTimeoutError(
            `${this.baseUrl} did not answer within ${formatSeconds(this.timeoutMs)}.`,
            `The model may be slow or overloaded. Raise the timeout or send fewer frames per clip in ${HINT_SETTINGS}, or pick a smaller model.`,
          ),
        };
      }
      return {
        ok: false,
        retryable: true,
        error: new EndpointNetworkError(
          `Could not reach ${this.baseUrl} (network error or blocked by CORS).`,
          'Check the base URL and that the server is running. A server on another origin must allow this page: Access-Control-Allow-Origin, and the Authorization and Content-Type headers (e.g. OLLAMA_ORIGINS=* for Ollama). An https page cannot call an http URL other than localhost.',
        ),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener?.('abort', onAbort);
    }
  }

  private httpFailure(status: number, body: string, retryAfter: string | null): Attempt {
    const said = this.serverMessage(body);
    const where = `${this.baseUrl} (model "${this.model}")`;
    if (status === 401 || status === 403) {
      // The server's text is left out: some servers echo (part of) the key they refused.
      const error = new EndpointAuthError(
        `${this.baseUrl} refused the API key (HTTP ${status}).`,
        `Check the API key in ${HINT_SETTINGS}: it may be missing, mistyped, expired or without access to model "${this.model}".`,
        status,
      );
      return { ok: false, retryable: false, error };
    }
    if (status === 404) {
      const error = new EndpointNotFoundError(
        `${where} answered 404 Not Found${said}.`,
        `Check the base URL (it usually ends in /v1; the studio appends /chat/completions) and the model name in ${HINT_SETTINGS}.`,
        status,
      );
      return { ok: false, retryable: false, error };
    }
    const retryAfterMs = parseRetryAfter(retryAfter);
    if (status === 429) {
      const error = new EndpointRateLimitError(
        `${where} kept answering 429 Too Many Requests${said}.`,
        `The endpoint is rate-limiting. Lower the concurrency in ${HINT_SETTINGS}, wait, or use a plan with a higher limit.`,
        status,
      );
      return { ok: false, retryable: true, error, retryAfterMs };
    }
    const retryable = status >= 500 || status === 408;
    const error = new EndpointHttpError(
      `${where} failed with HTTP ${status}${said}.`,
      retryable
        ? 'The server had an error; it was retried. Try again later, or check the server logs.'
        : 'The server rejected the request. If it mentions response_format, images or the context length, choose a model that supports JSON mode and image input, or send fewer frames per clip.',
      status,
    );
    return { ok: false, retryable, error, retryAfterMs };
  }

  /** `: <server message>` from an OpenAI-style `{error: {message}}` body (redacted, short), or ''. */
  private serverMessage(body: string): string {
    let text = body;
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
      const m = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
      if (typeof m === 'string') text = m;
    } catch {
      // not JSON: use the text as is
    }
    text = this.redact(text).replace(/\s+/g, ' ').trim();
    return text ? `: ${text.slice(0, 300)}` : '';
  }

  private parseReply(body: string): Omit<ChatReply, 'attempts'> {
    let reply: { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] };
    try {
      reply = JSON.parse(body);
    } catch {
      throw new EndpointReplyError(
        `${this.baseUrl} did not send a chat-completions reply (the response is not JSON).`,
        `Check the base URL in ${HINT_SETTINGS}: it should be the OpenAI-compatible API root, usually ending in /v1.`,
      );
    }
    const choice = reply.choices?.[0];
    const content = contentText(choice?.message?.content);
    if (content === undefined) {
      throw new EndpointReplyError(
        `${this.baseUrl} sent a reply without choices[0].message.content.`,
        `Check that the base URL points at an OpenAI-compatible chat-completions API and that model "${this.model}" is a chat model.`,
      );
    }
    try {
      return { content, json: JSON.parse(stripFences(content)) };
    } catch {
      const cut = choice?.finish_reason === 'length' ? ' It was cut off at the length limit.' : '';
      throw new EndpointReplyError(
        `Model "${this.model}" replied with text that is not valid JSON.${cut} It began: ${JSON.stringify(this.redact(content).slice(0, 120))}`,
        'Choose a model that supports JSON mode (response_format json_object), or edit the prompt so it asks for JSON only.',
      );
    }
  }

  /** Removes the API key from text that came from the server. */
  private redact(text: string): string {
    return this.#apiKey ? text.split(this.#apiKey).join('[key]') : text;
  }
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  // Some servers return content parts even for text replies.
  if (Array.isArray(content)) {
    const texts = content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
    return texts || undefined;
  }
  return undefined;
}

/** Models often wrap JSON in ```json fences despite JSON mode. */
function stripFences(text: string): string {
  const m = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i.exec(text);
  return m?.[1] ?? text;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; undefined if absent. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function abortError(signal: CancelSignal): unknown {
  return signal.reason instanceof Error || signal.reason instanceof DOMException ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

function throwIfAborted(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** setTimeout as a promise that rejects with an AbortError when `signal` aborts. */
export function abortableSleep(ms: number, signal?: CancelSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as CancelSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener?.('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener?.('abort', onAbort, { once: true });
  });
}

/** At most `max` holders at once; waiters are served in order and leave the queue on abort. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  acquire(signal?: CancelSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const grant = () => {
        signal?.removeEventListener?.('abort', onAbort);
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          this.waiting.shift()?.();
        });
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError(signal as CancelSignal));
      };
      if (this.active < this.max) return grant();
      this.waiting.push(grant);
      signal?.addEventListener?.('abort', onAbort, { once: true });
    });
  }
}
