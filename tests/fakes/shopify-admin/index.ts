// The fake Shopify Admin server: see server.ts. Shared by tests and the demo.
export { startFakeShopify, type FakeShopify } from "./server";
export { verifySessionToken, type SessionTokenClaims } from "./session-token";
export type * from "./types";
export { sampleStore, type SampleStoreOptions } from "./sample-store";
