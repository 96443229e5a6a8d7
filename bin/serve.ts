// Serves the built Remix app (build/) with Express, and runs the in-process job
// worker beside it (LOOPWISE_WORKER=inline, the default).
//
//   npx tsx bin/serve.ts            HOST (default 127.0.0.1) and PORT (default 3000), .env loaded
//   startAppServer({ port: 0 })     from code: the demo, the e2e tests
//
// Demo mode (LOOPWISE_DEMO=1) listens on loopback only and refuses NODE_ENV=production.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LOOPBACK_BINDS = new Set(["127.0.0.1", "::1", "localhost"]);

export interface StartAppServerOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Set in process.env before the app is loaded (undefined removes a variable).
   * The app reads its environment once per process: a second server in the same
   * process shares the first one's app modules and configuration.
   * SHOPIFY_APP_URL defaults to the server's own URL.
   */
  env?: Record<string, string | undefined>;
  /** Defaults to <repo>/build. */
  buildDir?: string;
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

interface WorkerQueue {
  start(pollMs?: number, share?: number): () => Promise<void>;
}

function flag(value: string | undefined): boolean {
  return value === "1" || value === "true";
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startAppServer(options: StartAppServerOptions = {}): Promise<AppServer> {
  const { host = "127.0.0.1", port = 0, env = {}, buildDir = path.join(root, "build") } = options;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (flag(process.env.LOOPWISE_DEMO)) {
    if (process.env.NODE_ENV === "production") throw new Error("demo mode is refused when NODE_ENV=production");
    if (!LOOPBACK_BINDS.has(host)) throw new Error(`demo mode listens on loopback only, not ${host}`);
  }
  const serverFile = path.join(buildDir, "server", "index.js");
  if (!fs.existsSync(serverFile)) throw new Error(`no build at ${serverFile}: run \`npm run build\` first`);

  const app = express();
  app.disable("x-powered-by");
  const server = http.createServer(app);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  app.use((_req, _res, next) => void ready.then(() => next()));

  const address = await listen(server, port, host);
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  process.env.SHOPIFY_APP_URL ??= url;

  let build: ServerBuild;
  try {
    build = (await import(pathToFileURL(serverFile).href)) as ServerBuild;
  } catch (error) {
    server.close();
    throw error;
  }
  const client = path.join(buildDir, "client");
  app.use("/assets", express.static(path.join(client, "assets"), { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(client, { maxAge: "1h", index: false }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      // The TCP peer: demo access is granted to loopback peers only.
      getLoadContext: (req) => ({ remoteAddress: req.socket.remoteAddress }),
    }),
  );
  markReady();

  const queue = (build.entry.module as { queue?: WorkerQueue }).queue;
  // Jobs may take at most half of the web process's time: requests come first.
  const stopWorker = process.env.LOOPWISE_WORKER !== "off" && queue ? queue.start(500, 0.5) : null;

  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        // Stop accepting, let requests in flight finish (5 s at most), then let
        // the worker finish its current job.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 5000);
        force.unref();
        await Promise.all([closed, stopWorker?.()]);
        clearTimeout(force);
      })();
      return closing;
    },
  };
}

async function main() {
  await import("dotenv/config");
  // `npm start` is the production entry: production unless told otherwise, so
  // env.server.ts's production guards (no demo mode, no fake Admin origin, https) apply.
  process.env.NODE_ENV ??= "production";
  const host = process.env.HOST ?? "127.0.0.1";
  const port = Number(process.env.PORT ?? 3000);
  const server = await startAppServer({ host, port });
  const demo = flag(process.env.LOOPWISE_DEMO);
  process.stdout.write(
    JSON.stringify({ time: new Date().toISOString(), level: "info", msg: "listening", url: server.url, ...(demo ? { demo: `${server.url}/demo` } : {}) }) + "\n",
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
