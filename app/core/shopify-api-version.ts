// The one Admin API version Loopwise speaks. shopify.app.toml's
// [webhooks] api_version, the Web Pixel extension and every Admin GraphQL call
// use this value; tests/unit/config.test.ts checks they agree.
export const API_VERSION = "2026-10" as const;
