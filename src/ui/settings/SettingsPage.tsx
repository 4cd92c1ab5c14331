import { BackendPanel } from './BackendPanel';
import { BenchPanel } from './BenchPanel';
import { DecodeBenchPanel } from './DecodeBenchPanel';
import { DiagnosticsPanel } from './DiagnosticsPanel';
import { GeneratorsPanel } from './GeneratorsPanel';

export function SettingsPage() {
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <BackendPanel />
      <GeneratorsPanel />
      <DiagnosticsPanel />
      <BenchPanel />
      <DecodeBenchPanel />
    </section>
  );
}
