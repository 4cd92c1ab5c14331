// A training run on disk (issue #12, docs/training.md): the Node RunStore.
//
//   RUN/config.json             what was asked (stage, settings, model, data, init)
//   RUN/metrics.jsonl           one JSON object per optimizer step, TRL keys
//   RUN/checkpoints/step-NNNNNN.safetensors   weights + optimizer + reference + state
//   RUN/checkpoint.json         {"latest": "checkpoints/step-….safetensors", "step": N}
//   RUN/ref_logps.json          reference log-probs by (reference checkpoint, mode) and sample id
//
// Must: a checkpoint is written under a temporary name and renamed, then the pointer likewise,
// so a killed process leaves the previous checkpoint current. Metrics are appended before the
// pointer moves; a resume drops metric lines past the checkpoint's step.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointId, type CheckpointMeta } from '../core/train/checkpointMeta';
import { decodeCheckpoint, type CheckpointContents } from '../core/train/checkpointFile';
import type { RunStore } from '../ml/train/session';
import type { RefLogps, StepMetrics } from '../ml/train/trainer';
import { CliError } from './errors';

export interface CheckpointPointer {
  latest: string;
  step: number;
}

async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class RunFolder implements RunStore {
  constructor(readonly dir: string) {}

  async create(config: unknown): Promise<void> {
    try {
      await mkdir(join(this.dir, 'checkpoints'), { recursive: true });
      await atomicWrite(join(this.dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
      await writeFile(join(this.dir, 'metrics.jsonl'), '');
    } catch (e) {
      throw new CliError(`Cannot create the run folder ${this.dir}: ${e instanceof Error ? e.message : String(e)}.`, 'Choose a writable --out folder.', { cause: e });
    }
  }

  async saveCheckpoint(bytes: Uint8Array, meta: CheckpointMeta, metrics: readonly StepMetrics[]): Promise<void> {
    if (metrics.length > 0) await writeFile(join(this.dir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m) + '\n').join(''), { flag: 'a' });
    const name = `checkpoints/step-${String(meta.step).padStart(6, '0')}.safetensors`;
    await atomicWrite(join(this.dir, name), bytes);
    await atomicWrite(join(this.dir, 'checkpoint.json'), JSON.stringify({ latest: name, step: meta.step } satisfies CheckpointPointer) + '\n');
  }

  private async refFile(): Promise<Record<string, Record<string, [number, number]>>> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'ref_logps.json'), 'utf8')) as Record<string, Record<string, [number, number]>>;
    } catch {
      return {};
    }
  }

  async loadRefLogps(key: string): Promise<Map<string, RefLogps> | undefined> {
    const entry = (await this.refFile())[key];
    return entry ? new Map(Object.entries(entry).map(([id, [chosen, rejected]]) => [id, { chosen, rejected }])) : undefined;
  }

  async saveRefLogps(key: string, logps: Map<string, RefLogps>): Promise<void> {
    const all = await this.refFile();
    all[key] = Object.fromEntries([...logps].map(([id, r]) => [id, [r.chosen, r.rejected]]));
    await atomicWrite(join(this.dir, 'ref_logps.json'), JSON.stringify(all) + '\n');
  }

  async config<T>(): Promise<T> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'config.json'), 'utf8')) as T;
    } catch (e) {
      throw new CliError(`${this.dir} is not a training run (no readable config.json).`, 'Name a folder that `longvpo train --out` wrote.', { cause: e });
    }
  }

  /** The latest whole checkpoint, with its id. */
  async latest(): Promise<{ id: string; path: string; contents: CheckpointContents }> {
    let pointer: CheckpointPointer;
    try {
      pointer = JSON.parse(await readFile(join(this.dir, 'checkpoint.json'), 'utf8')) as CheckpointPointer;
    } catch (e) {
      throw new CliError(`${this.dir} has no checkpoint (checkpoint.json is missing or unreadable).`, 'Name a run folder that `longvpo train` wrote and that finished at least one checkpoint.', { cause: e });
    }
    const path = join(this.dir, pointer.latest);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      throw new CliError(`The checkpoint ${path} cannot be read.`, 'The run folder is incomplete: copy it again, or train anew.', { cause: e });
    }
    const contents = decodeCheckpoint(bytes);
    return { id: checkpointId(contents.meta), path, contents };
  }

  /** Drops metric lines past `step` (steps logged after the checkpoint a resume starts from). */
  async truncateMetrics(step: number): Promise<void> {
    const path = join(this.dir, 'metrics.jsonl');
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch {
      /* no metrics yet */
    }
    const kept = text.split('\n').filter((l) => l.trim() !== '' && (JSON.parse(l) as { step: number }).step <= step);
    await atomicWrite(path, kept.map((l) => l + '\n').join(''));
  }
}
