// Shopify's calculated query cost, close to the published rules: a scalar or
// enum costs 0, an object 1, a connection 2 plus its page size times the cost of
// one node, a mutation 10. The requested cost is computed from the query before
// it runs; the actual cost from what came back.
import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from "graphql";
import type { ThrottleOptions } from "./types";

interface Ctx {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argValue(ctx: Ctx, node: ValueNode | undefined): unknown {
  if (!node) return undefined;
  return valueFromASTUntyped(node, ctx.variables);
}

function fieldDef(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if ("getFields" in type) return type.getFields()[name];
  return undefined;
}

function unwrapList(type: GraphQLType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  return isListType(t);
}

/** Cost of a selection set on `type`; `value` (the result) makes it the actual cost. */
function selectionCost(ctx: Ctx, set: SelectionSetNode | undefined, type: GraphQLCompositeType, value: unknown, actual: boolean): number {
  if (!set) return 0;
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? (ctx.schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType) : type;
      if (actual && value && typeof value === "object" && sel.typeCondition && (value as { __typename?: string }).__typename && (value as { __typename?: string }).__typename !== on.name) continue;
      total += selectionCost(ctx, sel.selectionSet, on, value, actual);
      continue;
    }
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = ctx.fragments.get(sel.name.value);
      if (frag) total += selectionCost(ctx, frag.selectionSet, ctx.schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType, value, actual);
      continue;
    }
    if (sel.name.value === "__typename") continue;
    const def = fieldDef(type, sel.name.value);
    if (!def) continue;
    const named = getNamedType(def.type);
    if (!isCompositeType(named)) continue;
    const key = sel.alias?.value ?? sel.name.value;
    const child = actual && value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    if (actual && (child === null || child === undefined)) continue;
    if (named.name.endsWith("Connection")) {
      const args = Object.fromEntries((sel.arguments ?? []).map((a) => [a.name.value, argValue(ctx, a.value)]));
      const size = Number(args.first ?? args.last ?? 0);
      const conn = child as { edges?: { node: unknown }[]; nodes?: unknown[] } | undefined;
      const items = actual ? Math.max(conn?.edges?.length ?? 0, conn?.nodes?.length ?? 0) : size;
      // One node's cost: the node selected under edges or nodes (counted once).
      const nodeType = ("getFields" in named ? named.getFields().nodes?.type : undefined) as GraphQLType | undefined;
      const nodeNamed = nodeType ? (getNamedType(nodeType) as GraphQLCompositeType) : named;
      let perNode = 0;
      if (actual) {
        const nodes = conn?.nodes?.length ? conn.nodes : (conn?.edges ?? []).map((e) => e.node);
        const each = nodes.map((n) => connectionNodeCost(ctx, sel.selectionSet, named, nodeNamed, n, true));
        total += 2 + each.reduce((a, b) => a + b, 0);
        continue;
      }
      perNode = connectionNodeCost(ctx, sel.selectionSet, named, nodeNamed, undefined, false);
      total += 2 + items * perNode;
      continue;
    }
    if (unwrapList(def.type)) {
      const list = actual && Array.isArray(child) ? child : [undefined];
      for (const item of list) total += 1 + selectionCost(ctx, sel.selectionSet, named, item, actual);
      continue;
    }
    total += 1 + selectionCost(ctx, sel.selectionSet, named, child, actual);
  }
  return total;
}

function connectionNodeCost(ctx: Ctx, set: SelectionSetNode | undefined, conn: GraphQLCompositeType, nodeType: GraphQLCompositeType, node: unknown, actual: boolean): number {
  let best = 0;
  for (const sel of set?.selections ?? []) {
    if (sel.kind !== Kind.FIELD) continue;
    if (sel.name.value === "nodes") best = Math.max(best, 1 + selectionCost(ctx, sel.selectionSet, nodeType, node, actual));
    if (sel.name.value === "edges") {
      for (const e of sel.selectionSet?.selections ?? []) {
        if (e.kind === Kind.FIELD && e.name.value === "node") best = Math.max(best, 1 + selectionCost(ctx, e.selectionSet, nodeType, node, actual));
      }
    }
  }
  void conn;
  return best;
}

export function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
}

export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | null | undefined, result?: unknown): number {
  const op = operationOf(document, operationName);
  if (!op) return 0;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const ctx: Ctx = { schema, fragments, variables };
  const root = op.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  const cost = selectionCost(ctx, op.selectionSet, root, result, result !== undefined);
  return op.operation === "mutation" ? 10 + Math.max(0, cost - 1) : Math.max(1, cost);
}

/** The leaky bucket of one shop. */
export function refill(bucket: { available: number; at: number }, opts: ThrottleOptions, now = Date.now()) {
  const elapsed = Math.max(0, now - bucket.at) / 1000;
  bucket.available = Math.min(opts.maximumAvailable, bucket.available + elapsed * opts.restoreRate);
  bucket.at = now;
}
