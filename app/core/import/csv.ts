// A streaming RFC 4180 CSV reader: feed it chunks, get complete records with
// the line number each started on. Handles quoted fields (commas, doubled
// quotes, line breaks inside quotes), CRLF / LF / CR line ends and a leading
// UTF-8 byte-order mark. Pure: no I/O.

export interface CsvRecord {
  /** 1-based physical line on which the record starts. */
  line: number;
  fields: string[];
  /** Set when the record is malformed; `fields` then holds what was read. */
  error?: string;
}

export class CsvReader {
  private field = "";
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false; // just closed a quoted field
  private quotedField = false;
  private error: string | undefined;
  private line = 1;
  private recordLine = 1;
  private pendingCR = false;
  private started = false;
  private sawAnything = false;

  constructor(private readonly delimiter = ",") {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new Error(`invalid CSV delimiter ${JSON.stringify(delimiter)}`);
    }
  }

  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === "\n") continue; // CRLF: the CR already ended the record
      }
      if (this.inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // The next chunk decides between "" and a closing quote.
            this.inQuotes = false;
            this.afterQuote = true;
            this.maybeEscaped = true;
          } else {
            this.inQuotes = false;
            this.afterQuote = true;
          }
        } else {
          if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) this.line++;
          this.field += ch;
        }
        continue;
      }
      if (this.maybeEscaped) {
        this.maybeEscaped = false;
        if (ch === '"') {
          this.field += '"';
          this.inQuotes = true;
          this.afterQuote = false;
          continue;
        }
      }
      if (ch === d) {
        this.endField();
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r") this.pendingCR = true;
        const record = this.endRecord();
        if (record) out.push(record);
        this.line++;
        this.recordLine = this.line;
      } else if (ch === '"' && this.field === "" && !this.afterQuote && !this.quotedField) {
        this.inQuotes = true;
        this.quotedField = true;
        this.sawAnything = true;
      } else {
        if (this.afterQuote && !this.error) {
          this.error = `unexpected ${JSON.stringify(ch)} after a closing quote (field ${this.fields.length + 1})`;
        }
        this.field += ch;
        this.sawAnything = true;
      }
    }
    return out;
  }

  private maybeEscaped = false;

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[] {
    this.maybeEscaped = false;
    if (this.inQuotes) {
      this.inQuotes = false;
      this.error = `unterminated quoted field (field ${this.fields.length + 1} opened on line ${this.recordLine})`;
      this.sawAnything = true;
    }
    const record = this.endRecord();
    return record ? [record] : [];
  }

  private endField() {
    this.fields.push(this.field);
    this.field = "";
    this.afterQuote = false;
    this.quotedField = false;
    this.sawAnything = true;
  }

  private endRecord(): CsvRecord | null {
    const blank = !this.sawAnything && this.fields.length === 0 && this.field === "";
    if (blank) {
      this.reset();
      return null; // blank lines are skipped
    }
    this.fields.push(this.field);
    const record: CsvRecord = { line: this.recordLine, fields: this.fields };
    if (this.error) record.error = this.error;
    this.reset();
    return record;
  }

  private reset() {
    this.fields = [];
    this.field = "";
    this.afterQuote = false;
    this.quotedField = false;
    this.error = undefined;
    this.sawAnything = false;
  }
}

/** Parses a whole string (tests, small files). */
export function parseCsv(text: string, delimiter = ","): CsvRecord[] {
  const reader = new CsvReader(delimiter);
  return [...reader.push(text), ...reader.end()];
}

/** Parses an async stream of text chunks record by record. */
export async function* readCsv(chunks: AsyncIterable<string | Uint8Array>, delimiter = ","): AsyncGenerator<CsvRecord> {
  const reader = new CsvReader(delimiter);
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (const record of reader.push(text)) yield record;
  }
  const rest = decoder.decode();
  for (const record of reader.push(rest)) yield record;
  for (const record of reader.end()) yield record;
}
