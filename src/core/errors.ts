// One shape for every error a user may see: what went wrong, and what to do about it.

/** An error whose message is fit for users, with a hint that says what to do. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface UserMessage {
  /** Short title, e.g. "Backend self-test failed". */
  title: string;
  /** What happened, in one or two sentences. Never a stack trace. */
  message: string;
  /** What the user can do next. */
  hint: string;
}

const GENERIC_HINT = 'Try again. If it keeps happening, reload the page; your stored data is kept.';

/** Turns anything thrown into a message for users, without stack traces or "[object Object]". */
export function toUserMessage(title: string, error: unknown): UserMessage {
  if (error instanceof UserFacingError) return { title, message: error.message, hint: error.hint };
  if (isNamedError(error) && error.name === 'AbortError') {
    return { title, message: 'Cancelled.', hint: 'Start it again when you are ready.' };
  }
  if (isNamedError(error) && error.name === 'QuotaExceededError') {
    return {
      title,
      message: 'The browser ran out of storage for this site.',
      hint: 'Free space in Settings → Storage (delete old runs or videos), or allow persistent storage.',
    };
  }
  if (isNamedError(error)) {
    const hint = typeof error.hint === 'string' ? error.hint : GENERIC_HINT;
    return { title, message: firstLine(error.message) || error.name, hint };
  }
  if (typeof error === 'string' && error) return { title, message: firstLine(error), hint: GENERIC_HINT };
  return { title, message: 'An unexpected error occurred.', hint: GENERIC_HINT };
}

interface NamedError {
  name: string;
  message: string;
  hint?: unknown;
}

function isNamedError(e: unknown): e is NamedError {
  return typeof e === 'object' && e !== null && typeof (e as NamedError).message === 'string' && typeof (e as NamedError).name === 'string';
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim().slice(0, 500) ?? '';
}

/** Throws the signal's reason, or an AbortError, when `signal` is aborted (core has no DOMException). */
export function throwIfCancelled(signal: { readonly aborted: boolean; readonly reason?: unknown } | undefined): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  throw e;
}
