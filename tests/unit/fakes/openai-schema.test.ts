// The fake OpenAI's schema filler: values that satisfy the schemas content code will send.
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { fillSchema, strictSchemaProblem } from "../../fakes/openai";
import { mulberry32 } from "../../fakes/sendgrid/server";

const words = ["warm", "wool", "beanie", "winter", "sale"];
const fill = (schema: unknown, seed = 1) => fillSchema(schema, { root: schema, words, random: mulberry32(seed) });

describe("fillSchema", () => {
  it("satisfies zod schemas with nesting, nullables, unions, recursion and bounds, for many seeds", () => {
    const Block: z.ZodType<{ text: string; children: unknown[] }> = z.lazy(() =>
      z.object({ text: z.string().min(3).max(20), children: z.array(Block).max(1) }),
    );
    const Schema = z.object({
      subject: z.string().min(10).max(40),
      tags: z.array(z.enum(["new", "sale", "gift"])).min(1).max(3),
      price: z.number().gt(0).lt(1),
      quantity: z.number().int().min(1).max(3),
      step: z.number().multipleOf(0.25).min(1).max(2),
      cta: z.union([z.object({ kind: z.literal("link"), url: z.string() }), z.object({ kind: z.literal("none") })]),
      note: z.string().nullable(),
      blocks: z.array(Block).min(1).max(2),
      sentAt: z.string().datetime(),
      contact: z.string().email(),
    });
    const jsonSchema = zodResponseFormat(Schema, "email").json_schema.schema;
    expect(strictSchemaProblem(jsonSchema)).toBeNull();
    for (let seed = 1; seed <= 50; seed++) {
      const value = fill(jsonSchema, seed);
      const result = Schema.safeParse(value);
      if (!result.success) throw new Error(`seed ${seed}: ${result.error.message}\n${JSON.stringify(value)}`);
    }
  });

  it("is deterministic for a seed and varies across seeds", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
    expect(fill(schema, 3)).toEqual(fill(schema, 3));
    const distinct = new Set(Array.from({ length: 10 }, (_, i) => JSON.stringify(fill(schema, i))));
    expect(distinct.size).toBeGreaterThan(5);
  });

  it("handles plain JSON schema keywords: const, type arrays, allOf, prefixItems, uniqueItems, formats", () => {
    const schema = {
      type: "object",
      properties: {
        version: { const: 2 },
        maybe: { type: ["integer", "null"], minimum: 10, maximum: 10 },
        merged: { allOf: [{ type: "object", properties: { x: { type: "boolean" } }, required: ["x"] }, { properties: { y: { type: "null" } }, required: ["y"] }] },
        pair: { type: "array", prefixItems: [{ type: "string", format: "date" }, { type: "string", format: "uuid" }], minItems: 2, maxItems: 2 },
        picks: { type: "array", items: { enum: ["a", "b", "c"] }, minItems: 3, maxItems: 3, uniqueItems: true },
        link: { type: "string", format: "uri" },
      },
      required: ["version", "maybe", "merged", "pair", "picks", "link"],
    };
    const value = fill(schema) as Record<string, unknown>;
    expect(value.version).toBe(2);
    expect(value.maybe).toBe(10);
    expect(value.merged).toEqual({ x: expect.any(Boolean), y: null });
    expect(value.pair).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4/)]);
    expect([...(value.picks as string[])].sort()).toEqual(["a", "b", "c"]);
    expect(value.link).toMatch(/^https:\/\/example\.com\/\w+-\w+$/);
  });
});

describe("strictSchemaProblem", () => {
  it("names the first rule a schema breaks, like OpenAI's strict mode", () => {
    expect(strictSchemaProblem({ type: "array" })).toMatch(/type: "object"/);
    expect(
      strictSchemaProblem({
        type: "object",
        properties: { a: { type: "object", properties: { b: { type: "string" } }, required: [], additionalProperties: false } },
        required: ["a"],
        additionalProperties: false,
      }),
    ).toMatch(/context=\('properties', 'a'\).*Missing 'b'/);
  });
});
