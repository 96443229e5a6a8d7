// The environment, validated once. Only this file reads process.env for app
// configuration; everything else imports `env`.
import { z } from "zod";

export const REQUIRED_SCOPES = [
  "read_orders",
  "read_all_orders",
  "read_customers",
  "write_customers",
  "read_products",
  "read_discounts",
  "write_discounts",
  "write_pixels",
  "read_customer_events",
] as const;

const boolish = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
    SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
    SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL must be the app's public https URL"),
    SCOPES: z.string().default(REQUIRED_SCOPES.join(",")),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
    DATABASE_URL: z.string().optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    // Demo mode: loopback only, the demo shop only, never in production.
    LOOPWISE_DEMO: boolish,
    LOOPWISE_DEMO_SHOP: z.string().default("loopwise-demo.myshopify.com"),
    // Points the Admin API (and token exchange) at a local fake server. Tests and demo only.
    SHOPIFY_ADMIN_ORIGIN: z.string().url().optional(),
    // Pixel endpoint limits.
    PIXEL_RATE_PER_SHOP: z.coerce.number().int().positive().default(200), // events/s
    PIXEL_RATE_PER_BROWSER: z.coerce.number().int().positive().default(10), // events/s
    // Background work in the web process (the embedded deployment).
    LOOPWISE_WORKER: z.enum(["inline", "off"]).default("inline"),
    // The LLM: OpenAI (or any OpenAI-compatible server) when a key is set, else the offline provider.
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
    OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
    LOOPWISE_LLM: z.enum(["auto", "offline", "openai"]).default("auto"),
    // Jobs: the embedded database queue (default) or BullMQ on Redis.
    LOOPWISE_QUEUE: z.enum(["embedded", "bullmq"]).default("embedded"),
    REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
    // SendGrid: a shop's own key (settings) wins; else this app-wide key; with neither, mail goes
    // to SENDGRID_API_URL (the local fake in the demo and tests; refused in production).
    SENDGRID_API_KEY: z.string().optional(),
    SENDGRID_API_URL: z.string().url().optional(),
    // The app-wide event-webhook verification key (SendGrid's base64 DER public key).
    SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.NODE_ENV === "production" && e.LOOPWISE_DEMO) {
      ctx.addIssue({ code: "custom", path: ["LOOPWISE_DEMO"], message: "demo mode is refused when NODE_ENV=production" });
    }
    if (e.NODE_ENV === "production" && e.SHOPIFY_ADMIN_ORIGIN) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_ADMIN_ORIGIN"], message: "a fake Admin API origin is refused when NODE_ENV=production" });
    }
    if (e.NODE_ENV === "production" && !e.SHOPIFY_APP_URL.startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_APP_URL"], message: "SHOPIFY_APP_URL must be https in production" });
    }
    if (e.LOOPWISE_LLM === "openai" && !e.OPENAI_API_KEY) {
      ctx.addIssue({ code: "custom", path: ["OPENAI_API_KEY"], message: "LOOPWISE_LLM=openai needs OPENAI_API_KEY" });
    }
  });

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);
