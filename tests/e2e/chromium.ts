// Where Chromium is, and whether a missing one is an error (no vitest imports:
// the global setup uses this too).
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const isCi = () => process.env.CI === "true" || process.env.CI === "1";
