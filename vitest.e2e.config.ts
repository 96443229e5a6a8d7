// Browser end-to-end tests: Debian's Chromium (playwright-core) against the
// built app served by bin/serve.ts. Run: npx vitest run -c vitest.e2e.config.ts
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    setupFiles: ["tests/setup/network-guard.ts"],
    pool: "forks",
    // One Chromium at a time: these machines have two cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The built server bundle is loaded by Node itself, as in production.
    server: { deps: { external: [/\/build\/server\//] } },
  },
});
