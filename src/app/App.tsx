import { useStudio } from '../state/store';
import { PlannedSection } from '../ui/shell/PlannedSection';
import { Shell } from '../ui/shell/Shell';
import { LibraryPage } from '../ui/library/LibraryPage';
import { SettingsPage } from '../ui/settings/SettingsPage';

export function App() {
  const section = useStudio((s) => s.section);
  const page = section === 'settings' ? <SettingsPage /> : section === 'library' ? <LibraryPage /> : <PlannedSection id={section} />;
  return <Shell>{page}</Shell>;
}
