// A typed request→response protocol over postMessage, with progress and abort that stops the
// work inside the worker. The same `Engine` type is produced in-thread (`localEngine`, for Node
// tests and fallbacks) and across a worker (`workerEngine`), so callers never know which.

/** A protocol maps a method name to its request and response types. */
export type Protocol = Record<string, { req: unknown; res: unknown }>;

export interface Progress {
  done: number;
  total: number;
  label: string;
  /** Numbers that go with this update, e.g. a training step's metrics (TRL keys). */
  data?: Record<string, number>;
}

export interface HandlerContext {
  /** Aborted when the caller aborts: handlers pass it to their loops. */
  signal: AbortSignal;
  progress(p: Progress): void;
}

export type Handlers<P extends Protocol> = {
  [K in keyof P]: (req: P[K]['req'], ctx: HandlerContext) => Promise<P[K]['res']>;
};

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export type Engine<P extends Protocol> = {
  [K in keyof P]: (req: P[K]['req'], options?: CallOptions) => Promise<P[K]['res']>;
};

/** What an error looks like on the wire: no stack, a hint when the thrower gave one. */
export interface WireError {
  name: string;
  message: string;
  hint?: string;
}

type ClientMessage = { kind: 'call'; id: number; method: string; req: unknown } | { kind: 'abort'; id: number };
type ServerMessage =
  | { kind: 'result'; id: number; res: unknown }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'progress'; id: number; progress: Progress };

/** The part of Worker / MessagePort / DedicatedWorkerGlobalScope that rpc needs. */
export interface Endpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener?(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** An error that crossed the worker boundary; keeps the original name and hint. */
export class RemoteError extends Error {
  readonly hint: string | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.hint = wire.hint;
  }
}

function toWire(e: unknown): WireError {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const err = e as { name?: unknown; message?: unknown; hint?: unknown };
    return {
      name: typeof err.name === 'string' ? err.name : 'Error',
      message: String(err.message),
      ...(typeof err.hint === 'string' ? { hint: err.hint } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Serves `handlers` on `endpoint` (a worker's global scope, or a MessagePort). */
export function serve<P extends Protocol>(endpoint: Endpoint, handlers: Handlers<P>): void {
  const running = new Map<number, AbortController>();
  endpoint.addEventListener('message', (event: MessageEvent) => {
    const msg = event.data as ClientMessage;
    if (msg.kind === 'abort') {
      running.get(msg.id)?.abort();
      return;
    }
    const handler = (handlers as Record<string, Handlers<P>[keyof P]>)[msg.method];
    const controller = new AbortController();
    running.set(msg.id, controller);
    const post = (m: ServerMessage) => endpoint.postMessage(m);
    const ctx: HandlerContext = { signal: controller.signal, progress: (progress) => post({ kind: 'progress', id: msg.id, progress }) };
    const work = handler
      ? Promise.resolve().then(() => handler(msg.req as never, ctx))
      : Promise.reject(new Error(`Unknown method "${msg.method}"`));
    work
      .then((res) => post({ kind: 'result', id: msg.id, res }))
      .catch((e: unknown) => post({ kind: 'error', id: msg.id, error: controller.signal.aborted ? toWire(abortError()) : toWire(e) }))
      .finally(() => running.delete(msg.id));
  });
}

/** A typed client for a served protocol. `methods` lists the protocol's method names. */
export function workerEngine<P extends Protocol>(endpoint: Endpoint, methods: readonly (keyof P & string)[]): Engine<P> {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; onProgress?: (p: Progress) => void }>();
  endpoint.addEventListener('message', (event: MessageEvent) => {
    const msg = event.data as ServerMessage;
    const entry = pending.get(msg.id);
    if (!entry) return;
    if (msg.kind === 'progress') {
      entry.onProgress?.(msg.progress);
      return;
    }
    pending.delete(msg.id);
    if (msg.kind === 'result') entry.resolve(msg.res);
    else entry.reject(msg.error.name === 'AbortError' ? abortError() : new RemoteError(msg.error));
  });

  const call = (method: string, req: unknown, options: CallOptions = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const { signal, onProgress } = options;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      signal?.addEventListener('abort', () => endpoint.postMessage({ kind: 'abort', id } satisfies ClientMessage), { once: true });
      endpoint.postMessage({ kind: 'call', id, method, req } satisfies ClientMessage);
    });

  return Object.fromEntries(methods.map((m) => [m, (req: unknown, options?: CallOptions) => call(m, req, options)])) as Engine<P>;
}

/** The same Engine, running the handlers in this thread. */
export function localEngine<P extends Protocol>(handlers: Handlers<P>): Engine<P> {
  const entries = Object.entries(handlers) as Array<[string, (req: unknown, ctx: HandlerContext) => Promise<unknown>]>;
  return Object.fromEntries(
    entries.map(([name, handler]) => [
      name,
      async (req: unknown, options: CallOptions = {}) => {
        const controller = new AbortController();
        options.signal?.throwIfAborted();
        options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
        return handler(req, { signal: controller.signal, progress: (p) => options.onProgress?.(p) });
      },
    ]),
  ) as Engine<P>;
}
