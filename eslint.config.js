import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", ".cache/**", "extensions/*/dist/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly", console: "readonly", URL: "readonly", URLSearchParams: "readonly",
        Request: "readonly", Response: "readonly", Headers: "readonly", fetch: "readonly",
        setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly",
        Buffer: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", crypto: "readonly",
        window: "readonly", document: "readonly", navigator: "readonly", AbortController: "readonly",
        __dirname: "readonly", structuredClone: "readonly", queueMicrotask: "readonly",
      },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The domain core is pure: no database, no framework. I/O lives in *.server.ts beside it.
    files: ["app/core/**/*.ts"],
    ignores: ["app/core/**/*.server.ts", "app/core/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { group: ["@prisma/*", "**/db.server", "~/db.server"], message: "app/core is pure: put database access in a *.server.ts file" },
          { group: ["@remix-run/*", "@shopify/shopify-app-remix*"], message: "app/core is pure: no framework imports" },
        ],
      }],
    },
  },
);
