import { describe, expect, it } from "vitest";
import { CsvReader, parseCsv, readCsv } from "./csv";

describe("CSV reader", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, and counts lines", () => {
    const records = parseCsv('a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",z\n3,,\n');
    expect(records.map((r) => r.fields)).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
      ["2", "two\nlines", "z"],
      ["3", "", ""],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it("strips a BOM, accepts CRLF and CR, skips blank lines, keeps a last line without a break", () => {
    const records = parseCsv("\uFEFFid,name\r\n1,Ann\r\n\r\n2,Bob\r3,Cy");
    expect(records.map((r) => r.fields)).toEqual([["id", "name"], ["1", "Ann"], ["2", "Bob"], ["3", "Cy"]]);
    expect(records[0]!.fields[0]).toBe("id");
  });

  it("gives the same records however the input is chunked", () => {
    const text = 'h1,h2\r\n"a ""q""",b\r\n"multi\r\nline",c\n';
    const whole = parseCsv(text);
    for (let size = 1; size <= 7; size++) {
      const reader = new CsvReader();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
      out.push(...reader.end());
      expect(out.map((r) => r.fields)).toEqual(whole.map((r) => r.fields));
    }
  });

  it("reports malformed records with their line and carries on", () => {
    const records = parseCsv('a,b\n"x"y,1\nok,2\n"open,3');
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringContaining("after a closing quote") });
    expect(records[2]).toEqual({ line: 3, fields: ["ok", "2"] });
    expect(records[3]).toMatchObject({ line: 4, error: expect.stringContaining("unterminated quoted field") });
  });

  it("supports another delimiter and refuses a bad one", () => {
    expect(parseCsv("a;b\n1;2", ";").map((r) => r.fields)).toEqual([["a", "b"], ["1", "2"]]);
    expect(() => new CsvReader('"')).toThrow(/delimiter/);
  });

  it("streams bytes, including multi-byte characters split across chunks", async () => {
    const bytes = new TextEncoder().encode("name\nZoë\nMüller\n");
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    const out = [];
    for await (const r of readCsv(chunks())) out.push(r.fields[0]);
    expect(out).toEqual(["name", "Zoë", "Müller"]);
  });
});
