import { useStudio } from '../state/store';
import { PlannedSection } from '../ui/shell/PlannedSection';
import { Shell } from '../ui/shell/Shell';
import { LibraryPage } from '../ui/library/LibraryPage';
import { ReviewPage } from '../ui/review/ReviewPage';
import { SettingsPage } from '../ui/settings/SettingsPage';
import { SynthesizePage } from '../ui/synthesize/SynthesizePage';
import { TrainPage } from '../ui/train/TrainPage';
import { EvaluatePage } from '../ui/evaluate/EvaluatePage';

export function App() {
  const section = useStudio((s) => s.section);
  const page = section === 'settings' ? <SettingsPage /> : section === 'library' ? <LibraryPage /> : section === 'synthesize' ? <SynthesizePage /> : section === 'review' ? <ReviewPage /> : section === 'train' ? <TrainPage /> : section === 'evaluate' ? <EvaluatePage /> : <PlannedSection id={section} />;
  return <Shell>{page}</Shell>;
}
