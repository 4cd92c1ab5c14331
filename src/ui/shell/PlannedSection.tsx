import { SECTIONS, type SectionId } from '../../state/sections';

/** A section whose capability lands in a later issue: says what it will hold. */
export function PlannedSection({ id }: { id: SectionId }) {
  const section = SECTIONS.find((s) => s.id === id);
  if (!section) return null;
  return (
    <section aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{section.label}</h1>
      <p className="lead">{section.summary}</p>
      <div className="card">
        <h2>What this section will hold</h2>
        <ul>
          {section.plan.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p className="muted">Not built yet. Settings already shows the compute backend, diagnostics and storage.</p>
      </div>
    </section>
  );
}
