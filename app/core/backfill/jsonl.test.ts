import { describe, expect, it } from "vitest";
import { batches, gidType, groupJsonl, JsonlFormatError, readLines } from "./jsonl";

async function* chunks(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function* of(lines: string[]) {
  yield* lines;
}

const FILE = [
  `{"id":"gid://shopify/Order/1","name":"#1"}`,
  `{"id":"gid://shopify/LineItem/11","__parentId":"gid://shopify/Order/1"}`,
  `{"id":"gid://shopify/LineItem/12","__parentId":"gid://shopify/Order/1"}`,
  `{"id":"gid://shopify/Order/2","name":"#2"}`,
  `{"id":"gid://shopify/Order/3","name":"#3"}`,
  `{"id":"gid://shopify/LineItem/31","__parentId":"gid://shopify/Order/3"}`,
];

describe("readLines", () => {
  it("splits a byte stream into lines across chunk boundaries, multi-byte characters included", async () => {
    const text = `{"a":"é"}\n{"b":2}\r\n\n{"c":3}`;
    const bytes = new TextEncoder().encode(text);
    // Cut inside the two-byte é and inside a line.
    const parts = [bytes.slice(0, 7), bytes.slice(7, 13), bytes.slice(13)];
    async function* raw() {
      yield* parts;
    }
    expect(await all(readLines(raw()))).toEqual([`{"a":"é"}`, `{"b":2}`, `{"c":3}`]);
    expect(await all(readLines(chunks("x\n", "y\n")))).toEqual(["x", "y"]);
  });
});

describe("groupJsonl", () => {
  it("groups child lines under their parent, with the resume point after each group", async () => {
    const groups = await all(groupJsonl(of(FILE)));
    expect(groups.map((g) => [g.parent.id, g.children.map((c) => c.id), g.end])).toEqual([
      ["gid://shopify/Order/1", ["gid://shopify/LineItem/11", "gid://shopify/LineItem/12"], 3],
      ["gid://shopify/Order/2", [], 4],
      ["gid://shopify/Order/3", ["gid://shopify/LineItem/31"], 6],
    ]);
    expect(groups[0]!.children[0]).not.toHaveProperty("__parentId");
  });

  it("resumes after the lines already stored", async () => {
    const groups = await all(groupJsonl(of(FILE), { skip: 3 }));
    expect(groups.map((g) => g.parent.id)).toEqual(["gid://shopify/Order/2", "gid://shopify/Order/3"]);
    expect(await all(groupJsonl(of(FILE), { skip: 6 }))).toEqual([]);
  });

  it("refuses an ungrouped file, a resume point inside a record, a short file and bad JSON", async () => {
    const ungrouped = [FILE[0]!, FILE[3]!, FILE[1]!];
    await expect(all(groupJsonl(of(ungrouped)))).rejects.toThrow(/line 3: child of gid:\/\/shopify\/Order\/1 inside the group of gid:\/\/shopify\/Order\/2 .*groupObjects/);
    await expect(all(groupJsonl(of(FILE), { skip: 1 }))).rejects.toThrow(/resuming after line 1 lands inside a record/);
    await expect(all(groupJsonl(of(FILE), { skip: 9 }))).rejects.toThrow(/6 lines, fewer than the 9/);
    await expect(all(groupJsonl(of(["{nope"])))).rejects.toBeInstanceOf(JsonlFormatError);
  });

  it("accepts grandchildren (a child's own children) within the group", async () => {
    const lines = [`{"id":"gid://shopify/Product/1"}`, `{"id":"gid://shopify/ProductVariant/2","__parentId":"gid://shopify/Product/1"}`, `{"id":"gid://shopify/X/3","__parentId":"gid://shopify/ProductVariant/2"}`];
    expect((await all(groupJsonl(of(lines))))[0]!.children).toHaveLength(2);
  });
});

it("batches and gid types", async () => {
  expect(await all(batches(of(["a", "b", "c", "d", "e"]), 2))).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  expect(gidType("gid://shopify/ProductVariant/1")).toBe("ProductVariant");
  expect(gidType(3)).toBeNull();
});
