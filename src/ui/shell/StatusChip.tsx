import { formatGflops } from '../../core/backendChoice';
import { useStudio } from '../../state/store';

/** Shows the active compute backend, its adapter, and why it was chosen. */
export function StatusChip() {
  const { status, choice, progress } = useStudio((s) => s.compute);
  const navigate = useStudio((s) => s.navigate);

  let text: string;
  let detail: string;
  if (status === 'ready' && choice) {
    const probe = choice.probes.find((p) => p.backend === choice.backend);
    const gpu = choice.probes.find((p) => p.backend === 'webgpu')?.adapter;
    const gpuName = gpu ? [gpu.vendor, gpu.architecture].filter(Boolean).join('/') || gpu.description || 'unknown' : '';
    const adapter = gpu ? `GPU ${gpuName} (${gpu.isFallbackAdapter ? 'software' : 'hardware'})` : 'no WebGPU adapter';
    text = `${choice.backend}${probe?.gflops ? ` · ${formatGflops(probe.gflops)} GFLOP/s` : ''}${choice.source === 'override' ? ' · override' : ''} · ${adapter}`;
    detail = choice.reason;
  } else if (status === 'error') {
    text = 'no backend';
    detail = 'The compute backend failed to start; see the message above.';
  } else {
    text = progress ? `measuring… ${progress.label}` : 'starting…';
    detail = 'Measuring each TensorFlow.js backend to pick the fastest.';
  }

  return (
    <button
      type="button"
      className={`status-chip status-${status}`}
      data-testid="backend-chip"
      data-backend={choice?.backend ?? ''}
      data-status={status}
      title={detail}
      aria-label={`Compute backend: ${text}. ${detail}`}
      onClick={() => navigate('settings')}
    >
      <span className="status-dot" aria-hidden="true" />
      {text}
    </button>
  );
}
