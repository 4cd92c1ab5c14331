// Reading the records of a user's JSONL file or JSON array, shared by the file importers
// (annotations: generators/imported.ts; triples: triples/import.ts), plus the collector of their
// errors and warnings. Each importer supplies its own wording (`RecordFormat`, `IssuesOptions`);
// what a record is, and how it is validated, stays with the importer. Pure: text in, records out.
//
// Must: every record carries the 1-based line where it starts; a JSON array's elements get the
// line where each element starts, so messages point at the element, not at the `[`. Must: a
// leading BOM is ignored, and CRLF line ends read like LF (same records, same line numbers).
// Must: errors beyond `maxErrors` are counted, not listed, so a huge bad file stays cheap.

export interface ImportIssue {
  /** 1-based line in the source text. */
  line: number;
  message: string;
}

export interface IssuesOptions {
  /** Errors listed before the rest are only counted (`dropped`). */
  maxErrors: number;
  /** Also keep at most `maxErrors` warnings (the rest are not reported). Default: keep all. */
  capWarnings?: boolean;
  /** The one warning per unknown field; `lines` reads like "3, 4, 7 and 2 more". */
  unknownField(field: string, lines: string): string;
}

/** Errors and warnings of one file, each with its line. */
export class Issues {
  readonly errors: ImportIssue[] = [];
  dropped = 0;
  private readonly warnings: ImportIssue[] = [];
  /** Unknown field → lines, so 10 000 records with one stray field give one warning. */
  private readonly unknownFields = new Map<string, number[]>();
  constructor(private readonly options: IssuesOptions) {}
  error(line: number, message: string): void {
    if (this.errors.length < this.options.maxErrors) this.errors.push({ line, message });
    else this.dropped++;
  }
  warn(line: number, message: string): void {
    if (!this.options.capWarnings || this.warnings.length < this.options.maxErrors) this.warnings.push({ line, message });
  }
  unknownField(line: number, field: string): void {
    const lines = this.unknownFields.get(field) ?? [];
    lines.push(line);
    this.unknownFields.set(field, lines);
  }
  /** The warnings plus one per unknown field, in line order. */
  summariseWarnings(): ImportIssue[] {
    const out = [...this.warnings];
    for (const [field, lines] of this.unknownFields) {
      const shown = lines.slice(0, 5).join(', ') + (lines.length > 5 ? ` and ${lines.length - 5} more` : '');
      out.push({ line: lines[0] ?? 1, message: this.options.unknownField(field, shown) });
    }
    return out.sort((a, b) => a.line - b.line);
  }
}

/** An importer's wording (and one choice) for reading its files. */
export interface RecordFormat {
  /** A JSONL line that is not JSON; `detail` is the parser's message. */
  lineSyntaxError(detail: string): string;
  /** A JSON array file that is not JSON; `detail` is the parser's message. */
  arraySyntaxError(detail: string): string;
  /** The first non-empty line is a lone `{`: the file is pretty-printed JSON, not JSONL. */
  prettyPrinted: string;
  /** Read a file holding one pretty-printed object as that one record, instead of the error above. */
  acceptOnePrettyObject?: boolean;
}

export interface RawRecord {
  value: unknown;
  /** 1-based line where the record starts. */
  line: number;
  /** Prefix for messages: `element 3: ` in a JSON array, empty for JSONL. */
  where: string;
  /** Set when the line is not JSON: reported in line order with the validation errors. */
  syntaxError?: string;
}

/** The records of a JSONL text, or of a JSON array when the text starts with `[`. */
export function readRecords(text: string, issues: Issues, format: RecordFormat): RawRecord[] {
  const body = text.replace(/^\uFEFF/, '');
  return body.trimStart().startsWith('[') ? jsonArrayRecords(body, issues, format) : jsonlRecords(body, issues, format);
}

function jsonlRecords(text: string, issues: Issues, format: RecordFormat): RawRecord[] {
  const lines = text.split('\n');
  const out: RawRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim(); // trim also drops the \r of CRLF
    if (!line) continue;
    try {
      out.push({ value: JSON.parse(line), line: i + 1, where: '' });
    } catch (e) {
      if (out.length === 0 && line === '{') {
        const whole = format.acceptOnePrettyObject ? tryParse(text) : undefined;
        if (isRecord(whole)) return [{ value: whole, line: i + 1, where: '' }];
        issues.error(i + 1, format.prettyPrinted);
        return [];
      }
      out.push({ value: undefined, line: i + 1, where: '', syntaxError: format.lineSyntaxError(syntaxMessage(e)) });
    }
  }
  return out;
}

function jsonArrayRecords(text: string, issues: Issues, format: RecordFormat): RawRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    issues.error(syntaxLine(e, text), format.arraySyntaxError(syntaxMessage(e)));
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const lines = elementLines(text);
  return parsed.map((value, i) => ({ value, line: lines[i] ?? 1, where: `element ${i}: ` }));
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function syntaxMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '').slice(0, 200);
}

/** 1-based line of a JSON.parse error: V8/Firefox say "line L column C" or "position P". */
function syntaxLine(e: unknown, text: string): number {
  const m = e instanceof Error ? e.message : '';
  const lc = /line (\d+) column \d+/.exec(m);
  if (lc) return Number(lc[1]);
  const pos = /position (\d+)/.exec(m);
  return pos ? text.slice(0, Number(pos[1])).split('\n').length : 1;
}

/** 1-based start line of each top-level element of a (valid) JSON array text. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    // JSON's whitespace is exactly these four; anything else here starts the next element.
    if (depth === 1 && expectValue && c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== ']') {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') expectValue = ++depth === 1;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectValue = true;
  }
  return lines;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
