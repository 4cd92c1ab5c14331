// ChatClient against a real local HTTP server speaking chat-completions (node:http, port 0).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ChatClient,
  EndpointAuthError,
  EndpointHttpError,
  EndpointNetworkError,
  EndpointNotFoundError,
  EndpointRateLimitError,
  EndpointReplyError,
  EndpointTimeoutError,
  parseRetryAfter,
  type ChatClientOptions,
} from './chatClient';

const KEY = 'sk-test-9f8e7d6c5b4a-SECRET';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: { model: string; messages: unknown[]; response_format: unknown; temperature: number };
}
type Handler = (req: Seen, res: ServerResponse, n: number) => void;

let handler: Handler = () => {};
let seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;
let baseUrl = '';

const server = createServer((req, res) => {
  let data = '';
  req.on('data', (c: Buffer) => (data += c.toString()));
  req.on('end', () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const entry: Seen = { url: req.url ?? '', headers: req.headers, body: JSON.parse(data) };
    seen.push(entry);
    handler(entry, res, seen.length);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  seen = [];
  inFlight = 0;
  maxInFlight = 0;
  handler = (_, res) => reply(res, '{"ok": true}');
});

function reply(res: ServerResponse, content: string, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(status === 200 ? JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }) : content);
}

function client(options: Partial<ChatClientOptions> = {}): ChatClient {
  return new ChatClient({ baseUrl, model: 'test-vlm', apiKey: KEY, backoffBaseMs: 1, backoffMaxMs: 4, ...options });
}

const MESSAGES = [{ role: 'user' as const, content: 'Say hi as JSON.' }];

async function failure(p: Promise<unknown>): Promise<Error & { hint: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { hint: string; status?: number };
  }
  throw new Error('expected a rejection');
}

function expectNoKey(e: unknown): void {
  const err = e as Error & { hint?: string; cause?: unknown };
  for (const text of [err.message, err.hint, err.stack, String(err), JSON.stringify(err), String(err.cause)]) expect(text ?? '').not.toContain(KEY);
}

describe('ChatClient', () => {
  it('POSTs a JSON-mode chat completion with the bearer key and parses the reply', async () => {
    handler = (_, res) => reply(res, '```json\n{"caption": "a red ball"}\n```'); // fences tolerated
    const got = await client({ temperature: 0.3 }).completeJson(MESSAGES);
    expect(got).toMatchObject({ json: { caption: 'a red ball' }, attempts: 1 });
    expect(seen[0]?.url).toBe('/v1/chat/completions');
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen[0]?.body).toEqual({ model: 'test-vlm', messages: MESSAGES, response_format: { type: 'json_object' }, temperature: 0.3 });
  });

  it('sends no Authorization header without a key', async () => {
    await client({ apiKey: undefined, baseUrl: `${baseUrl}/` }).completeJson(MESSAGES);
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.url).toBe('/v1/chat/completions');
  });

  it('401 → EndpointAuthError at once, and the key appears nowhere (even when the server echoes it)', async () => {
    handler = (_, res) => reply(res, JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }), 401);
    const e = await failure(client().completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointAuthError);
    expect(e.message).toMatch(/refused the API key \(HTTP 401\)/);
    expect(e.hint).toMatch(/API key/);
    expect(seen).toHaveLength(1);
    expectNoKey(e);
  });

  it('redacts the key from other server messages', async () => {
    handler = (_, res) => reply(res, JSON.stringify({ error: { message: `bad request from ${KEY}: image_url not supported` } }), 400);
    const e = await failure(client().completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointHttpError);
    expect(e.message).toMatch(/HTTP 400: bad request from \[key\]: image_url not supported/);
    expectNoKey(e);
  });

  it('404 → EndpointNotFoundError naming the base URL and the model', async () => {
    handler = (_, res) => reply(res, JSON.stringify({ error: { message: 'model "test-vlm" not found' } }), 404);
    const e = await failure(client().completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointNotFoundError);
    expect(e.message).toContain(baseUrl);
    expect(e.message).toContain('"test-vlm"');
    expect(e.hint).toMatch(/base URL.*model name/);
  });

  it('429 with Retry-After: 0, then success → succeeds on the retry', async () => {
    handler = (_, res, n) => (n === 1 ? reply(res, '{"error": "slow down"}', 429, { 'retry-after': '0' }) : reply(res, '{"ok": 2}'));
    const got = await client().completeJson(MESSAGES);
    expect(got).toMatchObject({ json: { ok: 2 }, attempts: 2 });
  });

  it('honours Retry-After, and fails at once when it asks for longer than the cap', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    handler = (_, res, n) => (n === 1 ? reply(res, '{}', 429, { 'retry-after': '2' }) : reply(res, '{"ok": 1}'));
    await client({ sleep }).completeJson(MESSAGES);
    expect(waits).toEqual([2000]);

    seen = [];
    handler = (_, res) => reply(res, '{}', 429, { 'retry-after': '3600' });
    const e = await failure(client({ sleep }).completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointRateLimitError);
    expect(e.message).toMatch(/asks to wait 3600 s/);
    expect(seen).toHaveLength(1);
  });

  it('500 every time → EndpointHttpError after maxRetries, with growing backoff', async () => {
    const waits: number[] = [];
    handler = (_, res) => reply(res, 'upstream exploded', 500);
    const e = await failure(client({ maxRetries: 3, backoffBaseMs: 10, backoffMaxMs: 1000, random: () => 1, sleep: async (ms) => void waits.push(ms) }).completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointHttpError);
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/HTTP 500: upstream exploded/);
    expect(seen).toHaveLength(4);
    expect(waits).toEqual([10, 20, 40]);
  });

  it('network failure (nothing listening) → EndpointNetworkError after the retries, with a CORS hint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await failure(client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1 }).completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointNetworkError);
    expect(e.hint).toMatch(/CORS|Access-Control-Allow-Origin/);
    expectNoKey(e);
  });

  it('a server that never answers → EndpointTimeoutError (not retried)', async () => {
    handler = () => {};
    const t0 = Date.now();
    const e = await failure(client({ timeoutMs: 150 }).completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointTimeoutError);
    expect(e.message).toMatch(/did not answer within 150 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(seen).toHaveLength(1);
  });

  it('content that is not JSON → EndpointReplyError quoting its start', async () => {
    handler = (_, res) => reply(res, 'Sure! Here is a caption: a red ball');
    const e = await failure(client().completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointReplyError);
    expect(e.message).toMatch(/not valid JSON.*Sure! Here is a caption/);
    expect(e.hint).toMatch(/JSON mode/);
  });

  it('a response that is not a chat completion → EndpointReplyError about the base URL', async () => {
    handler = (_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>dashboard</html>');
    };
    const e = await failure(client().completeJson(MESSAGES));
    expect(e).toBeInstanceOf(EndpointReplyError);
    expect(e.hint).toMatch(/base URL/);
  });

  it('cancel mid-request aborts the in-flight request', async () => {
    handler = () => {};
    const controller = new AbortController();
    const p = client().completeJson(MESSAGES, { signal: controller.signal });
    await until(() => seen.length === 1);
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => inFlight === 0); // the server saw the connection close
  });

  it('cancel during a backoff wait stops without another request', async () => {
    handler = (_, res) => reply(res, 'busy', 503);
    const controller = new AbortController();
    const p = client({ backoffBaseMs: 60_000, backoffMaxMs: 60_000 }).completeJson(MESSAGES, { signal: controller.signal });
    await until(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(1);
  });

  it('keeps at most `concurrency` requests in flight; a cancelled waiter never reaches the server', async () => {
    handler = (_, res) => setTimeout(() => reply(res, '{"ok": true}'), 40);
    const c = client({ concurrency: 3 });
    const first = Array.from({ length: 3 }, () => c.completeJson(MESSAGES));
    const controller = new AbortController();
    const queued = c.completeJson([{ role: 'user', content: 'never sent' }], { signal: controller.signal });
    const rest = Array.from({ length: 6 }, () => c.completeJson(MESSAGES));
    controller.abort(); // it is waiting for a slot behind the first three
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    await Promise.all([...first, ...rest]);
    expect(maxInFlight).toBe(3);
    expect(seen).toHaveLength(9);
    expect(seen.some((s) => JSON.stringify(s.body.messages).includes('never sent'))).toBe(false);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => new ChatClient({ baseUrl: 'localhost:11434', model: 'm' })).toThrow(/not an http\(s\) URL/);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
