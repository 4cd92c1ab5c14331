// Option parsers shared by the CLI's commands: numbers with their allowed ranges, and the time
// written to provenance.created_at (docs/cli.md § Reproducible output).
import { InvalidArgumentError } from 'commander';

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}.`);
    return n;
  };
}

export function decimal(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    return n;
  };
}

export function isoTime(value: string): string {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-24T14:20:00Z.');
  return new Date(t).toISOString();
}

/** The fixed time demo output is stamped with unless --now or SOURCE_DATE_EPOCH says otherwise. */
export const DEMO_CREATED_AT = '2000-01-01T00:00:00.000Z';

/**
 * provenance.created_at: --now, else SOURCE_DATE_EPOCH (seconds; the reproducible-builds
 * convention), else `fallback` (fixed for the demo, the current time for user data).
 */
export function createdAt(now: string | undefined, fallback: () => string): string {
  if (now !== undefined) return now;
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return fallback();
}
