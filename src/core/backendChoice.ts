// Pure backend selection (issue #2). Nothing in this file may import TensorFlow.js or touch the
// browser: it decides from probe results that callers measure (src/ml/backend/probe.ts) or that
// tests inject.

/** The TensorFlow.js backends the studio knows, in DESIGN.md §3 preference order. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** What is known of the WebGPU adapter, when there is one. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software adapter (SwiftShader and the like): `adapter.info.isFallbackAdapter`. */
  isFallbackAdapter: boolean;
}

/** One backend's measured probe. `gflops` is null when the backend failed to initialise. */
export interface BackendProbe {
  backend: BackendName;
  ok: boolean;
  /** Throughput of the probe matmul in GFLOP/s (2·n³ flops per n×n matmul). */
  gflops: number | null;
  /** Wall time of the whole probe for this backend, ms (init + warm-up + timed runs). */
  elapsedMs: number;
  /** Part of `elapsedMs` spent starting the backend (adapter, device, wasm compile). */
  initMs?: number;
  /** Part of `elapsedMs` spent on the first, untimed run (shader compile, wasm tiering). */
  warmupMs?: number;
  /**
   * True when the backend missed the probe deadline before finishing its first matmul: `gflops`
   * is then an upper bound (one matmul's flops over the time waited), not a measurement.
   */
  gflopsIsUpperBound?: boolean;
  /** Why the backend is unusable, when `ok` is false. */
  error?: string;
  /** For webgpu only. */
  adapter?: AdapterSummary;
}

export interface BackendChoice {
  backend: BackendName;
  /** How the choice was made. */
  source: 'measured' | 'override' | 'fallback';
  /** One sentence a user can read in the status chip. */
  reason: string;
  probes: BackendProbe[];
  /** Sum of the backends' probe times, ms (issue #2: well under 2 s). */
  probeMs?: number;
  /** Time spent loading the backend packages before probing, ms (app start-up, not probing). */
  loadMs?: number;
  /** When the probes ran (ms since epoch). */
  measuredAt?: number;
  /** True when a stored choice was reused at start-up instead of probing again. */
  remembered?: boolean;
}

export class NoBackendError extends Error {
  override name = 'NoBackendError';
  constructor(probes: BackendProbe[]) {
    const tried = probes.map((p) => `${p.backend}: ${p.error ?? 'failed'}`).join('; ');
    super(
      `No TensorFlow.js backend could start (${tried || 'none tried'}). ` +
        'Reload the page; if it persists, use a current Chrome or Chromium.',
    );
  }
}

function describe(p: BackendProbe): string {
  const rate = p.gflops === null ? 'n/a' : `${p.gflopsIsUpperBound ? '< ' : ''}${formatGflops(p.gflops)} GFLOP/s`;
  if (p.backend !== 'webgpu' || !p.adapter) return `${p.backend} ${rate}`;
  const kind = p.adapter.isFallbackAdapter ? 'software adapter' : 'hardware adapter';
  const name = p.adapter.description || p.adapter.vendor || 'unknown adapter';
  return `webgpu ${rate} (${kind} ${name})`;
}

export function formatGflops(g: number): string {
  return g >= 10 ? g.toFixed(0) : g >= 1 ? g.toFixed(1) : g.toFixed(2);
}

/**
 * Picks the fastest usable backend by measured throughput. Ties within `tieTolerance`
 * (relative) go to the earlier backend in BACKEND_NAMES, so a hardware WebGPU adapter that is
 * as fast as wasm wins (it frees the CPU for decoding), while a software adapter that is
 * ~50× slower than wasm never does (DESIGN.md §3).
 *
 * An override wins when its probe succeeded; an override whose probe failed falls back to the
 * measured choice and says so.
 */
export function chooseBackend(
  probes: BackendProbe[],
  override: BackendName | null = null,
  tieTolerance = 0.1,
): BackendChoice {
  const usable = probes.filter((p) => p.ok && p.gflops !== null && p.gflops > 0);
  if (usable.length === 0) throw new NoBackendError(probes);

  const rank = (b: BackendName) => BACKEND_NAMES.indexOf(b);
  const best = usable.reduce((a, b) => {
    const ga = a.gflops ?? 0;
    const gb = b.gflops ?? 0;
    if (Math.abs(ga - gb) <= tieTolerance * Math.max(ga, gb)) return rank(a.backend) <= rank(b.backend) ? a : b;
    return ga > gb ? a : b;
  });

  const others = usable.filter((p) => p !== best);
  const runnerUp = others.reduce<BackendProbe | null>((a, b) => (a === null || (b.gflops ?? 0) > (a.gflops ?? 0) ? b : a), null);
  const slowWebgpu = usable.find((p) => p.backend === 'webgpu' && p !== best);

  if (override !== null) {
    const wanted = probes.find((p) => p.backend === override);
    if (wanted && usable.includes(wanted)) {
      const vsBest = wanted === best ? '' : `; the fastest measured was ${describe(best)}`;
      return { backend: override, source: 'override', reason: `Chosen in Settings: ${describe(wanted)}${vsBest}.`, probes };
    }
    const why = wanted?.error ?? 'it was not available';
    return {
      backend: best.backend,
      source: 'fallback',
      reason: `Settings asked for ${override}, but ${why}; using the fastest measured: ${describe(best)}.`,
      probes,
    };
  }

  let reason = `Fastest measured: ${describe(best)}`;
  // Name the comparison a user cares about most: the GPU that was not chosen.
  const compared = slowWebgpu ?? runnerUp;
  if (compared && compared.gflops && best.gflops) {
    const ratio = best.gflops / compared.gflops;
    // Against an upper bound the ratio is a lower bound.
    const times = `${compared.gflopsIsUpperBound ? '> ' : ''}${ratio.toFixed(ratio >= 10 ? 0 : 1)}×`;
    reason += ratio >= 1.05 ? `, ${times} ${describe(compared)}` : `, as fast as ${describe(compared)}`;
  }
  return { backend: best.backend, source: 'measured', reason: `${reason}.`, probes };
}
