// Turns on the browse pixel for a shop after install: webPixelCreate, or
// webPixelUpdate when the shop already has one (known to us, or reported by
// Shopify as TAKEN). Stores the pixel's id on the Shop row.
import { z } from "zod";
import prisma from "../../db.server";
import { env } from "../../env.server";
import { shopifyIdFrom, toGid } from "./gid";

/** The part of shopify-app-remix's AdminApiContext this needs. */
export interface AdminGraphql {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export class WebPixelActivationError extends Error {
  constructor(
    message: string,
    readonly userErrors: Array<{ field?: string[] | null; code?: string | null; message: string }> = [],
  ) {
    super(message);
    this.name = "WebPixelActivationError";
  }
}

export const WEB_PIXEL_CREATE = `#graphql
  mutation LoopwiseWebPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) {
      userErrors { field code message }
      webPixel { id settings }
    }
  }`;

export const WEB_PIXEL_UPDATE = `#graphql
  mutation LoopwiseWebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
    webPixelUpdate(id: $id, webPixel: $webPixel) {
      userErrors { field code message }
      webPixel { id settings }
    }
  }`;

export const WEB_PIXEL_QUERY = `#graphql
  query LoopwiseWebPixel {
    webPixel { id }
  }`;

/** The extension's settings (extensions/browse-pixel/shopify.extension.toml). */
export function pixelSettings(shop: string, appUrl: string = env.SHOPIFY_APP_URL): { endpoint: string; shop: string } {
  return { endpoint: new URL("/pixel/events", appUrl).href, shop };
}

const userError = z.object({ field: z.array(z.string()).nullish(), code: z.string().nullish(), message: z.string() });
const payload = z.object({ userErrors: z.array(userError).default([]), webPixel: z.object({ id: z.string() }).nullish() });
const response = z.object({
  data: z
    .object({
      webPixelCreate: payload.nullish(),
      webPixelUpdate: payload.nullish(),
      webPixel: z.object({ id: z.string() }).nullish(),
    })
    .nullish(),
  errors: z.array(z.object({ message: z.string() })).nullish(),
});

async function call(admin: AdminGraphql, query: string, variables?: Record<string, unknown>) {
  const res = await admin.graphql(query, variables ? { variables } : undefined);
  if (!res.ok) throw new WebPixelActivationError(`Admin API answered HTTP ${res.status}`);
  const parsed = response.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new WebPixelActivationError("Admin API answered with an unexpected body");
  if (parsed.data.errors?.length) {
    throw new WebPixelActivationError(`Admin API error: ${parsed.data.errors.map((e) => e.message).join("; ")}`);
  }
  return parsed.data.data ?? {};
}

function describeErrors(what: string, errors: z.infer<typeof userError>[]): string {
  return `${what} failed: ${errors.map((e) => `${e.code ?? "ERROR"}${e.field?.length ? ` (${e.field.join(".")})` : ""}: ${e.message}`).join("; ")}`;
}

function pixelIdOf(gid: string | undefined): string {
  const id = gid ? shopifyIdFrom(gid, "WebPixel") : null;
  if (!id) throw new WebPixelActivationError("Admin API returned no web pixel id");
  return id;
}

type Outcome = { id: string } | { notFound: true } | { taken: true };

async function update(admin: AdminGraphql, id: string, settings: string): Promise<Outcome> {
  const data = await call(admin, WEB_PIXEL_UPDATE, { id: toGid("WebPixel", id), webPixel: { settings } });
  const result = data.webPixelUpdate;
  if (!result) throw new WebPixelActivationError("webPixelUpdate returned nothing");
  if (result.userErrors.some((e) => e.code === "NOT_FOUND")) return { notFound: true };
  if (result.userErrors.length) throw new WebPixelActivationError(describeErrors("webPixelUpdate", result.userErrors), result.userErrors);
  return { id: pixelIdOf(result.webPixel?.id) };
}

async function create(admin: AdminGraphql, settings: string): Promise<Outcome> {
  const data = await call(admin, WEB_PIXEL_CREATE, { webPixel: { settings } });
  const result = data.webPixelCreate;
  if (!result) throw new WebPixelActivationError("webPixelCreate returned nothing");
  if (result.userErrors.some((e) => e.code === "TAKEN")) return { taken: true };
  if (result.userErrors.length) throw new WebPixelActivationError(describeErrors("webPixelCreate", result.userErrors), result.userErrors);
  return { id: pixelIdOf(result.webPixel?.id) };
}

/**
 * Creates or updates the shop's web pixel with the endpoint built from
 * SHOPIFY_APP_URL, stores its id (numeric part) on Shop.webPixelId and returns it.
 * Throws WebPixelActivationError with Shopify's user errors when it cannot.
 */
export async function activateWebPixel(admin: AdminGraphql, shop: string): Promise<string> {
  const settings = JSON.stringify(pixelSettings(shop));
  const row = await prisma.shop.findUnique({ where: { id: shop }, select: { webPixelId: true } });
  if (!row) throw new WebPixelActivationError(`shop ${shop} is not stored; install it first`);

  let outcome: Outcome | null = row.webPixelId ? await update(admin, row.webPixelId, settings) : null;
  if (!outcome || "notFound" in outcome) outcome = await create(admin, settings);
  if ("taken" in outcome) {
    // The app already has a pixel on this shop that we did not know about: find and update it.
    const existing = (await call(admin, WEB_PIXEL_QUERY)).webPixel;
    if (!existing) throw new WebPixelActivationError("webPixelCreate said TAKEN but no web pixel was found");
    outcome = await update(admin, pixelIdOf(existing.id), settings);
  }
  if (!("id" in outcome)) throw new WebPixelActivationError("the shop's web pixel vanished while it was being updated");
  await prisma.shop.update({ where: { id: shop }, data: { webPixelId: outcome.id } });
  return outcome.id;
}
