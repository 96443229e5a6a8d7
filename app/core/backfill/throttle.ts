// Shopify's cost-based throttling, client side: how long to wait before a
// query of a given cost, and how to read throttle facts out of a response.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Milliseconds to wait until `needed` points are available, given the last status seen `elapsedMs` ago. */
export function waitForPoints(status: ThrottleStatus, needed: number, elapsedMs: number): number {
  const target = Math.min(needed, status.maximumAvailable);
  const available = Math.min(status.maximumAvailable, status.currentlyAvailable + (elapsedMs / 1000) * status.restoreRate);
  if (available >= target || status.restoreRate <= 0) return 0;
  return Math.ceil(((target - available) / status.restoreRate) * 1000);
}

export interface GraphqlErrorLike {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

/**
 * The GraphQL errors of a response body, whichever client produced it: a plain
 * `{ errors: [...] }` body, or @shopify/graphql-client's `{ errors: { graphQLErrors: [...] } }`.
 */
export function graphqlErrorsOf(body: unknown): GraphqlErrorLike[] {
  if (typeof body !== "object" || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  const list = Array.isArray(errors) ? errors : Array.isArray((errors as { graphQLErrors?: unknown } | undefined)?.graphQLErrors) ? (errors as { graphQLErrors: unknown[] }).graphQLErrors : [];
  return list.filter((e): e is GraphqlErrorLike => typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string");
}

export function costOf(body: unknown): CostExtension | null {
  const cost = (body as { extensions?: { cost?: unknown } } | null)?.extensions?.cost as Partial<CostExtension> | undefined;
  const s = cost?.throttleStatus;
  if (!cost || !s || typeof s.currentlyAvailable !== "number" || typeof s.restoreRate !== "number" || typeof s.maximumAvailable !== "number") return null;
  return { requestedQueryCost: Number(cost.requestedQueryCost ?? 0), actualQueryCost: cost.actualQueryCost ?? null, throttleStatus: s };
}

export const isThrottled = (errors: GraphqlErrorLike[]) => errors.some((e) => e.extensions?.code === "THROTTLED");
export const isTooCostly = (errors: GraphqlErrorLike[]) => errors.some((e) => e.extensions?.code === "MAX_COST_EXCEEDED");
