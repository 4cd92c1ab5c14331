import { useStudio } from '../state/store';
import { PlannedSection } from '../ui/shell/PlannedSection';
import { Shell } from '../ui/shell/Shell';
import { SettingsPage } from '../ui/settings/SettingsPage';

export function App() {
  const section = useStudio((s) => s.section);
  return <Shell>{section === 'settings' ? <SettingsPage /> : <PlannedSection id={section} />}</Shell>;
}
