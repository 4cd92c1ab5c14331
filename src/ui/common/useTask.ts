import { useCallback, useRef, useState } from 'react';
import { useStudio } from '../../state/store';
import type { Progress } from '../../workers/rpc';

export interface Task<T> {
  running: boolean;
  progress: Progress | null;
  result: T | null;
  run(): void;
  cancel(): void;
}

/**
 * Runs long async work with progress and a Cancel that aborts it (inside the worker too);
 * failures go to the store's single error channel.
 */
export function useTask<T>(title: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>): Task<T> {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<T | null>(null);
  const controller = useRef<AbortController | null>(null);
  const reportError = useStudio((s) => s.reportError);

  const run = useCallback(() => {
    if (controller.current) return;
    const c = new AbortController();
    controller.current = c;
    setRunning(true);
    setProgress(null);
    work(c.signal, setProgress)
      .then((r) => setResult(r))
      .catch((e: unknown) => {
        if (!c.signal.aborted) reportError(title, e);
      })
      .finally(() => {
        controller.current = null;
        setRunning(false);
        setProgress(null);
      });
  }, [work, title, reportError]);

  const cancel = useCallback(() => controller.current?.abort(), []);
  return { running, progress, result, run, cancel };
}
