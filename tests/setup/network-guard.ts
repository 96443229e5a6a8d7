// Fails any request that leaves loopback: tests talk only to local fakes.
import net from "node:net";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopback(host: string | undefined): boolean {
  return host === undefined || host === "" || LOOPBACK.test(host.replace(/^\[|\]$/g, ""));
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined;
  let host: string | undefined;
  if (typeof first === "object" && first !== null && !Array.isArray(first)) {
    host = first.path ? "localhost" : first.host;
  } else if (typeof first === "number") {
    host = typeof args[1] === "string" ? (args[1] as string) : undefined;
  }
  if (!isLoopback(host)) {
    const error = new Error(`network guard: a test tried to reach ${host}; tests may only use loopback`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
