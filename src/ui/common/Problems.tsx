/** What is wrong with a form, one item per problem; nothing when there is none. */
export function Problems({ items, testId }: { items: readonly string[]; testId: string }) {
  if (items.length === 0) return null;
  return (
    <ul className="problems" data-testid={testId}>
      {items.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}
