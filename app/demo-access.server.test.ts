// Outside demo mode (the test environment sets no LOOPWISE_DEMO), every demo
// route is a plain 404, even from loopback, and the bounce page is Shopify's.
import { describe, expect, it } from "vitest";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loader as demoEntry } from "./routes/demo._index";
import { loader as demoToken } from "./routes/demo.session-token";
import { loader as demoScript } from "./routes/demo.app-bridge[.]js";
import { demoAccessAllowed, isDemoMode } from "./demo-access.server";

const args = (url: string): LoaderFunctionArgs => ({
  request: new Request(url, { headers: { host: "127.0.0.1:3000" } }),
  context: { remoteAddress: "127.0.0.1" },
  params: {},
});

async function statusOf(run: () => unknown): Promise<number> {
  try {
    const result = await run();
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe("demo routes outside demo mode", () => {
  it("is not demo mode", () => {
    expect(isDemoMode()).toBe(false);
    expect(demoAccessAllowed(args("http://127.0.0.1:3000/demo").request, { remoteAddress: "127.0.0.1" })).toBe(false);
  });

  it.each([
    ["/demo", demoEntry],
    ["/demo/session-token", demoToken],
    ["/demo/app-bridge.js", demoScript],
  ])("%s answers 404", async (path, loader) => {
    expect(await statusOf(() => loader(args(`http://127.0.0.1:3000${path}`)))).toBe(404);
  });
});
