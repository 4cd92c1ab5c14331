import { useEffect, type ReactNode } from 'react';
import { SECTIONS } from '../../state/sections';
import { useStudio } from '../../state/store';
import { Notices } from '../common/Notices';
import { ErrorBoundary } from './ErrorBoundary';
import { StatusChip } from './StatusChip';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Header with navigation and the backend chip, the alert area, and the current section. */
export function Shell({ children }: { children: ReactNode }) {
  const section = useStudio((s) => s.section);
  const navigate = useStudio((s) => s.navigate);

  useEffect(() => {
    // Keys 1–6 jump between sections (not while typing, not with modifiers).
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const target = SECTIONS[Number(e.key) - 1];
      if (target) {
        navigate(target.id);
        e.preventDefault();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [navigate]);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">LongVPO Studio</span>
        <nav aria-label="Sections">
          {SECTIONS.map((s, i) => (
            <a
              key={s.id}
              href={`#/${s.id}`}
              aria-current={s.id === section ? 'page' : undefined}
              aria-keyshortcuts={String(i + 1)}
              title={`${s.summary} (key ${i + 1})`}
            >
              {s.label}
            </a>
          ))}
        </nav>
        <StatusChip />
      </header>
      <Notices />
      <main>
        <ErrorBoundary key={section} area={section}>
          {children}
        </ErrorBoundary>
      </main>
    </div>
  );
}
