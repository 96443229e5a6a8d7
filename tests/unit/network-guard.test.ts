// The network guard (tests/setup/network-guard.ts, loaded before every test file) must refuse
// any connection that leaves loopback, fast and with its own message, and let loopback through.
//
// Tests that would otherwise open a real outbound connection first run a leak-free probe:
// it starts a connection to a non-loopback address and destroys the socket in the same tick,
// before Node sends anything, and checks whether the guard took over (the socket never starts
// connecting). If the guard has a hole, the test fails at the probe and nothing leaves the machine.
//
// net.connect()/net.createConnection() (used by http, https and fetch/undici) pass Socket#connect
// one pre-normalized array; the guard reads the host from it.
import dns from "node:dns";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isLoopback } from "../setup/network-guard";

const OUTSIDE = "203.0.113.1"; // TEST-NET-3: documentation only, never routed
const GUARD = /network guard: a test tried to reach/;

/** True when the guard intercepts a connection made this way, proven without sending a packet. */
function guardIntercepts(open: () => net.Socket): boolean {
  const socket = open();
  socket.on("error", () => {});
  const intercepted = !socket.connecting;
  socket.destroy(); // same tick: Node has not started the TCP connect yet
  return intercepted;
}

function errorOf(socket: net.Socket): Promise<Error> {
  return new Promise((resolve, reject) => {
    socket.once("error", resolve);
    socket.once("connect", () => {
      socket.destroy();
      reject(new Error("connected: the guard let it through"));
    });
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("isLoopback", () => {
  it("accepts loopback names and addresses only", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of [OUTSIDE, "example.com", "10.0.0.1", "127.0.0.1.nip.io", "localhost.example.com", "::ffff:8.8.8.8"]) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});

describe("refuses non-loopback connections", () => {
  it("socket.connect({ host }) fails with the guard's message", async () => {
    const socket = new net.Socket();
    const pending = errorOf(socket);
    socket.connect({ host: OUTSIDE, port: 443 });
    expect((await pending).message).toMatch(GUARD);
  });

  it("socket.connect(port, host) fails with the guard's message", async () => {
    const socket = new net.Socket();
    const pending = errorOf(socket);
    socket.connect(443, OUTSIDE);
    expect((await pending).message).toMatch(GUARD);
  });

  it("tls.connect({ host }) fails with the guard's message", async () => {
    // tls.connect calls Socket#connect with an options object, which the guard reads
    const socket = tls.connect({ host: OUTSIDE, port: 443 });
    const error = await new Promise<Error>((resolve) => socket.once("error", resolve));
    expect(error.message).toMatch(GUARD);
  });

  it("net.connect / net.createConnection are intercepted before connecting", () => {
    expect(guardIntercepts(() => net.connect(443, OUTSIDE)), "net.connect(port, host)").toBe(true);
    expect(guardIntercepts(() => net.createConnection({ host: OUTSIDE, port: 443 })), "net.createConnection").toBe(true);
  });

  it("fetch to a non-loopback address fails fast with the guard's message", async () => {
    expect(guardIntercepts(() => net.connect(80, OUTSIDE)), "probe: net.connect is guarded").toBe(true);
    const started = Date.now();
    const error = await fetch(`http://${OUTSIDE}/`, { signal: AbortSignal.timeout(5_000) }).then(
      () => new Error("fetch succeeded"),
      (e: Error & { cause?: Error }) => e,
    );
    expect((error as Error & { cause?: Error }).cause?.message).toMatch(GUARD);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("fetch to a host name is refused before any DNS lookup", async () => {
    expect(guardIntercepts(() => net.connect(80, OUTSIDE)), "probe: net.connect is guarded").toBe(true);
    const lookup = vi.spyOn(dns, "lookup");
    const error = await fetch("http://example.com/", { signal: AbortSignal.timeout(5_000) }).then(
      () => new Error("fetch succeeded"),
      (e: Error & { cause?: Error }) => e,
    );
    expect((error as Error & { cause?: Error }).cause?.message).toMatch(GUARD);
    expect(lookup).not.toHaveBeenCalled();
  });

  it("http.get to a non-loopback address fails with the guard's message", async () => {
    expect(guardIntercepts(() => net.createConnection({ host: OUTSIDE, port: 80 })), "probe").toBe(true);
    const error = await new Promise<Error>((resolve) => {
      http.get(`http://${OUTSIDE}/`, (res) => {
        res.resume();
        resolve(new Error("got a response"));
      }).on("error", resolve);
    });
    expect(error.message).toMatch(GUARD);
  });
});

describe("allows loopback", () => {
  it("fetch and http.get to 127.0.0.1 work", async () => {
    const server = http.createServer((_req, res) => res.end("hello"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe("hello");
      const viaHttp = await new Promise<string>((resolve, reject) => {
        http.get(`http://127.0.0.1:${port}/`, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve(body));
        }).on("error", reject);
      });
      expect(viaHttp).toBe("hello");
      const socket = new net.Socket();
      await new Promise<void>((resolve, reject) => socket.connect({ host: "127.0.0.1", port }, resolve).on("error", reject));
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
