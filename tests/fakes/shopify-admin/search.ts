// Shopify's search syntax (the subset the app uses) and cursor pagination.
//   "status:active", "created_at:>=2025-11-27", "updated_at:>'2025-01-01T00:00:00Z'",
//   "email:a@b.c", "id:>123", terms joined by spaces or AND.

export interface SearchTerm {
  field: string;
  op: ":" | ">" | ">=" | "<" | "<=";
  value: string;
  negate: boolean;
}

export function parseSearch(query: string | null | undefined): SearchTerm[] {
  if (!query) return [];
  const terms: SearchTerm[] = [];
  const re = /(-?)([a-z_]+):(>=|<=|>|<)?(?:'([^']*)'|"([^"]*)"|(\S+))/gi;
  for (const m of query.matchAll(re)) {
    terms.push({
      negate: m[1] === "-",
      field: m[2]!.toLowerCase(),
      op: (m[3] as SearchTerm["op"] | undefined) ?? ":",
      value: m[4] ?? m[5] ?? m[6] ?? "",
    });
  }
  return terms;
}

type Getter<T> = (item: T, field: string) => string | number | null | undefined;

function compare(actual: string | number, value: string): number {
  if (typeof actual === "number") return actual - Number(value);
  const a = Date.parse(actual);
  const b = Date.parse(value);
  if (!Number.isNaN(a) && !Number.isNaN(b) && /^\d{4}-\d{2}-\d{2}/.test(value)) return a - b;
  return actual.localeCompare(value);
}

export function matches<T>(item: T, terms: SearchTerm[], get: Getter<T>): boolean {
  return terms.every((t) => {
    const actual = get(item, t.field);
    if (actual === undefined) return true; // unknown filter: Shopify ignores it (with a search warning)
    let ok: boolean;
    if (actual === null) ok = false;
    else if (t.op === ":") ok = String(actual).toLowerCase() === t.value.toLowerCase();
    else {
      const c = compare(actual, t.value);
      ok = t.op === ">" ? c > 0 : t.op === ">=" ? c >= 0 : t.op === "<" ? c < 0 : c <= 0;
    }
    return t.negate ? !ok : ok;
  });
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Page<T> {
  items: { item: T; cursor: string }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

type SortValue = string | number;

function encodeCursor(key: [SortValue, string]): string {
  return Buffer.from(JSON.stringify({ last_id: key[1], last_value: key[0] })).toString("base64url");
}

function decodeCursor(cursor: string): [SortValue, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { last_id: string; last_value: SortValue };
    if (typeof v.last_id !== "string") throw new Error("bad cursor");
    return [v.last_value, v.last_id];
  } catch {
    throw new GraphQLInputError(`Invalid cursor for current pagination sort.`);
  }
}

export class GraphQLInputError extends Error {}

function cmpKey(a: [SortValue, string], b: [SortValue, string]): number {
  const primary = typeof a[0] === "number" && typeof b[0] === "number" ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]));
  if (primary !== 0) return primary;
  return BigInt(a[1]) < BigInt(b[1]) ? -1 : BigInt(a[1]) > BigInt(b[1]) ? 1 : 0;
}

/** Stable keyset pagination: a cursor names the last item's sort key, so inserts never shift pages. */
export function paginate<T>(all: T[], args: PageArgs, key: (item: T) => [SortValue, string], maxPage = 250): Page<T> {
  if (args.first == null && args.last == null) {
    throw new GraphQLInputError("you must provide one of first or last");
  }
  const n = (args.first ?? args.last)!;
  if (n < 0 || n > maxPage) throw new GraphQLInputError(`The requested page size exceeds the maximum of ${maxPage}`);
  const dir = args.reverse ? -1 : 1;
  let sorted = [...all].sort((a, b) => dir * cmpKey(key(a), key(b)));
  const hadBefore = sorted.length;
  if (args.after) {
    const k = decodeCursor(args.after);
    sorted = sorted.filter((item) => dir * cmpKey(key(item), k) > 0);
  }
  if (args.before) {
    const k = decodeCursor(args.before);
    sorted = sorted.filter((item) => dir * cmpKey(key(item), k) < 0);
  }
  const window = args.first != null ? sorted.slice(0, n) : sorted.slice(Math.max(0, sorted.length - n));
  return {
    items: window.map((item) => ({ item, cursor: encodeCursor(key(item)) })),
    hasNextPage: args.first != null ? sorted.length > n : Boolean(args.before),
    hasPreviousPage: args.first != null ? Boolean(args.after) || (hadBefore > sorted.length && !args.before) : sorted.length > n,
  };
}

export function connection<T, N>(page: Page<T>, toNode: (item: T) => N) {
  const edges = page.items.map(({ item, cursor }) => ({ cursor, node: toNode(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
