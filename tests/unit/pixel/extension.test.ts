// The browse pixel (extensions/browse-pixel) is bundled by Shopify's CLI on its
// own and cannot import app code, so it lists the event names again: this test
// keeps its list and the endpoint's (PIXEL_EVENT_NAMES) the same.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PIXEL_EVENT_NAMES } from "~/core/pixel/schema";

const source = fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "extensions", "browse-pixel", "src", "index.ts"), "utf8");

const strings = (text: string) => [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);

/** The names the pixel subscribes to: its EVENTS list when subscribed in a loop, plus any subscribed by name. */
function subscribedNames(): string[] {
  const calls = [...source.matchAll(/analytics\.subscribe\(\s*([^,\s]+)\s*,/g)].map((m) => m[1]!);
  expect(calls.length, "the pixel subscribes to something").toBeGreaterThan(0);
  const names: string[] = [];
  for (const arg of calls) {
    if (/^["']/.test(arg)) {
      names.push(arg.slice(1, -1));
      continue;
    }
    // `for (const <arg> of <LIST>) analytics.subscribe(<arg>, …)`
    const loop = new RegExp(`for\\s*\\(\\s*const\\s+${arg}\\s+of\\s+(\\w+)\\s*\\)`).exec(source);
    expect(loop, `analytics.subscribe(${arg}, …) subscribes a literal or loops over a list`).not.toBeNull();
    const list = new RegExp(`const\\s+${loop![1]!}\\b[^=]*=\\s*\\[([^\\]]*)\\]`).exec(source);
    expect(list, `the pixel declares ${loop![1]!} as an array literal`).not.toBeNull();
    names.push(...strings(list![1]!));
  }
  return names;
}

describe("browse pixel extension", () => {
  it("subscribes to exactly the events the endpoint accepts, each once", () => {
    const names = subscribedNames();
    expect(new Set(names).size, `no event subscribed twice: ${names.join(", ")}`).toBe(names.length);
    expect([...names].sort()).toEqual([...PIXEL_EVENT_NAMES].sort());
  });

  it("trims only events it subscribes to", () => {
    const cases = [...source.matchAll(/case\s+"([^"]+)"\s*:/g)].map((m) => m[1]!);
    expect(cases.length).toBeGreaterThan(0);
    for (const name of cases) expect(PIXEL_EVENT_NAMES as readonly string[], `case "${name}"`).toContain(name);
  });
});
