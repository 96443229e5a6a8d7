// Argument parsing for the CLI: node:util's parseArgs, strict, with errors
// that name the command and exit with code 2.
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  readonly exitCode = 2;
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommand<O extends Options>(command: string, argv: string[], options: O, maxPositionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.replace(/\. To specify a positional argument.*$/s, "")}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return parsed;
}

export function intOption(command: string, name: string, value: unknown, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`${command}: --${name} must be a whole number from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}
