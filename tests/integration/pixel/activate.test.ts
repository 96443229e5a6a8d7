import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { activateWebPixel, WebPixelActivationError, type AdminGraphql } from "~/core/pixel/activate.server";
import { TEST_APP_URL } from "../../setup/test-config";

type Call = { query: string; variables?: Record<string, unknown> };

/** An Admin API stand-in: answers each call with the next scripted body, as a real Response. */
function scriptedAdmin(...bodies: Array<unknown | Response>) {
  const calls: Call[] = [];
  const admin: AdminGraphql = {
    async graphql(query, options) {
      calls.push({ query, variables: options?.variables });
      const next = bodies.shift();
      if (next === undefined) throw new Error("unexpected Admin API call");
      return next instanceof Response ? next : Response.json(next);
    },
  };
  return { admin, calls };
}
const pixel = (id: string) => ({ id: `gid://shopify/WebPixel/${id}`, settings: "{}" });
const created = (id: string) => ({ data: { webPixelCreate: { userErrors: [], webPixel: pixel(id) } } });
const updated = (id: string) => ({ data: { webPixelUpdate: { userErrors: [], webPixel: pixel(id) } } });
const opName = (q: string) => /(mutation|query)\s+(\w+)/.exec(q)?.[2];

async function shop(id: string, webPixelId: string | null = null) {
  await prisma.shop.create({ data: { id, webPixelId } });
  return id;
}

describe("activateWebPixel", () => {
  it("creates the pixel with the endpoint from SHOPIFY_APP_URL and stores its id", async () => {
    const id = await shop("new.myshopify.com");
    const { admin, calls } = scriptedAdmin(created("123"));
    expect(await activateWebPixel(admin, id)).toBe("123");
    expect(calls).toHaveLength(1);
    expect(opName(calls[0]!.query)).toBe("LoopwiseWebPixelCreate");
    expect(calls[0]!.query).toContain("webPixelCreate(webPixel: $webPixel)");
    const settings = JSON.parse((calls[0]!.variables!.webPixel as { settings: string }).settings);
    expect(settings).toEqual({ endpoint: `${TEST_APP_URL}/pixel/events`, shop: id });
    expect((await prisma.shop.findUnique({ where: { id } }))?.webPixelId).toBe("123");
  });

  it("updates the pixel it already knows", async () => {
    const id = await shop("known.myshopify.com", "77");
    const { admin, calls } = scriptedAdmin(updated("77"));
    expect(await activateWebPixel(admin, id)).toBe("77");
    expect(opName(calls[0]!.query)).toBe("LoopwiseWebPixelUpdate");
    expect(calls[0]!.variables!.id).toBe("gid://shopify/WebPixel/77");
  });

  it("finds and updates the pixel when Shopify says one is TAKEN", async () => {
    const id = await shop("taken.myshopify.com");
    const { admin, calls } = scriptedAdmin(
      { data: { webPixelCreate: { userErrors: [{ field: ["webPixel"], code: "TAKEN", message: "Web pixel is taken" }], webPixel: null } } },
      { data: { webPixel: { id: "gid://shopify/WebPixel/9" } } },
      updated("9"),
    );
    expect(await activateWebPixel(admin, id)).toBe("9");
    expect(calls.map((c) => opName(c.query))).toEqual(["LoopwiseWebPixelCreate", "LoopwiseWebPixel", "LoopwiseWebPixelUpdate"]);
    expect((await prisma.shop.findUnique({ where: { id } }))?.webPixelId).toBe("9");
  });

  it("creates a new pixel when the stored one is gone", async () => {
    const id = await shop("stale.myshopify.com", "5");
    const { admin, calls } = scriptedAdmin(
      { data: { webPixelUpdate: { userErrors: [{ field: ["id"], code: "NOT_FOUND", message: "Pixel not found" }], webPixel: null } } },
      created("6"),
    );
    expect(await activateWebPixel(admin, id)).toBe("6");
    expect(calls.map((c) => opName(c.query))).toEqual(["LoopwiseWebPixelUpdate", "LoopwiseWebPixelCreate"]);
  });

  it("throws Shopify's user errors clearly and stores nothing", async () => {
    const id = await shop("bad.myshopify.com");
    const { admin } = scriptedAdmin({
      data: { webPixelCreate: { userErrors: [{ field: ["webPixel", "settings"], code: "INVALID_SETTINGS", message: "Settings are invalid" }], webPixel: null } },
    });
    const error = await activateWebPixel(admin, id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebPixelActivationError);
    expect((error as Error).message).toBe("webPixelCreate failed: INVALID_SETTINGS (webPixel.settings): Settings are invalid");
    expect((error as WebPixelActivationError).userErrors).toHaveLength(1);
    expect((await prisma.shop.findUnique({ where: { id } }))?.webPixelId).toBeNull();
  });

  it("throws on HTTP errors, GraphQL errors and unknown shops", async () => {
    const id = await shop("down.myshopify.com");
    await expect(activateWebPixel(scriptedAdmin(new Response("busy", { status: 503 })).admin, id)).rejects.toThrow(/HTTP 503/);
    await expect(activateWebPixel(scriptedAdmin({ errors: [{ message: "Access denied for webPixelCreate field." }] }).admin, id)).rejects.toThrow(/Access denied/);
    await expect(activateWebPixel(scriptedAdmin(created("1")).admin, "missing.myshopify.com")).rejects.toThrow(/not stored/);
  });
});
