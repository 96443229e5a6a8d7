// Fails any connection that leaves loopback: tests talk only to local fakes.
import net from "node:net";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopback(host: string | undefined): boolean {
  return host === undefined || host === "" || LOOPBACK.test(host.replace(/^\[|\]$/g, ""));
}

type ConnectTarget = { host?: string; path?: string; port?: number | string } | number | string | undefined;

/** The host a Socket#connect call targets. net.connect()/createConnection() (used by http, https,
 * tls and fetch/undici) pass one pre-normalized array [options, callback]. */
function targetHost(args: unknown[]): string {
  const list = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = list[0] as ConnectTarget;
  if (typeof first === "object" && first !== null) return first.path ? "localhost" : (first.host ?? "localhost");
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    return typeof list[1] === "string" ? list[1] : "localhost";
  }
  return "localhost"; // a string is an IPC path
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const host = targetHost(args);
  if (!isLoopback(host)) {
    const error = new Error(`network guard: a test tried to reach ${host}; tests may only use loopback`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
