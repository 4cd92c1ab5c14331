// The worker protocol over a real MessageChannel (the same structured-clone boundary a Worker has).
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { localEngine, RemoteError, serve, workerEngine, type Endpoint, type Handlers } from './rpc';

type TestProtocol = {
  add: { req: { a: number; b: number }; res: number };
  count: { req: { to: number }; res: number };
  fail: { req: null; res: never };
};

class HintedError extends Error {
  override name = 'HintedError';
  readonly hint = 'Do the other thing.';
}

function handlers(log: string[]): Handlers<TestProtocol> {
  return {
    async add({ a, b }) {
      return a + b;
    },
    async count({ to }, { signal, progress }) {
      for (let i = 0; i < to; i++) {
        if (signal.aborted) {
          log.push(`stopped at ${i}`);
          throw new DOMException('aborted', 'AbortError');
        }
        progress({ done: i, total: to, label: 'counting' });
        await new Promise((r) => setTimeout(r, 5));
      }
      return to;
    },
    async fail() {
      throw new HintedError('It broke.');
    },
  };
}

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

function connect(log: string[]) {
  const channel = new MessageChannel();
  channels.push(channel);
  // Node's MessagePort is an EventTarget-like with `on`; adapt it to the browser's API shape.
  const asEndpoint = (port: typeof channel.port1): Endpoint => ({
    postMessage: (m) => port.postMessage(m),
    addEventListener: (_type, listener) => port.on('message', (data) => listener({ data } as MessageEvent)),
  });
  serve<TestProtocol>(asEndpoint(channel.port2), handlers(log));
  return workerEngine<TestProtocol>(asEndpoint(channel.port1), ['add', 'count', 'fail']);
}

describe.each([
  ['worker proxy', (log: string[]) => connect(log)],
  ['in-thread', (log: string[]) => localEngine<TestProtocol>(handlers(log))],
])('%s engine', (_name, make) => {
  it('returns typed results', async () => {
    const engine = make([]);
    await expect(engine.add({ a: 2, b: 40 })).resolves.toBe(42);
  });

  it('streams progress', async () => {
    const seen: number[] = [];
    await make([]).count({ to: 4 }, { onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('keeps the error name and hint, without a stack', async () => {
    const error = await make([]).fail(null).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HintedError', message: 'It broke.', hint: 'Do the other thing.' });
  });

  it('abort stops the work inside the handler', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const run = make(log).count({ to: 1000 }, { signal: controller.signal, onProgress: (p) => p.done === 3 && controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 30));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^stopped at [3-6]$/);
  });
});

describe('worker proxy', () => {
  it('rejects a method the server does not serve, naming it', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const toEndpoint = (port: typeof channel.port1): Endpoint => ({
      postMessage: (m) => port.postMessage(m),
      addEventListener: (_t, l) => port.on('message', (data) => l({ data } as MessageEvent)),
    });
    // A server that serves no methods at all.
    serve<Record<string, never>>(toEndpoint(channel.port2), {});
    const client = workerEngine<{ nope: { req: null; res: null } }>(toEndpoint(channel.port1), ['nope']);
    await expect(client.nope(null)).rejects.toThrow('Unknown method "nope"');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(connect([]).add({ a: 1, b: 1 }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('turns remote errors into RemoteError instances', async () => {
    await expect(connect([]).fail(null)).rejects.toBeInstanceOf(RemoteError);
  });
});
