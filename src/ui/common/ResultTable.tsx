import type { ReactNode } from 'react';

export interface ResultTableProps<T> {
  /** Accessible name of the table (bench scripts and tests find it by this). */
  label: string;
  columns: string[];
  rows: T[];
  rowKey: (row: T) => string;
  cells: (row: T) => ReactNode[];
  /** Extra attributes per row, e.g. a `data-testid` that tests find rows by. */
  rowAttributes?: (row: T) => Record<`data-${string}`, string>;
  /** When set, the raw result is also rendered as hidden JSON under this test id (bench/ reads it). */
  jsonTestId?: string;
  json?: unknown;
}

/** A plain result table, optionally with the raw result as hidden JSON for bench scripts. */
export function ResultTable<T>({ label, columns, rows, rowKey, cells, rowAttributes, jsonTestId, json }: ResultTableProps<T>) {
  return (
    <>
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} {...rowAttributes?.(r)}>
              {cells(r).map((cell, i) => (
                <td key={columns[i] ?? i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {jsonTestId ? (
        <pre data-testid={jsonTestId} hidden>
          {JSON.stringify(json ?? rows)}
        </pre>
      ) : null}
    </>
  );
}
