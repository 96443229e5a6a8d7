import { describe, expect, it } from "vitest";
import { readLimited } from "~/core/http/read-limited";

const post = (body: BodyInit | null, headers: Record<string, string> = {}) => new Request("https://app.example/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);

function streamOf(chunks: number[], onPull?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      onPull?.();
      if (i < chunks.length) controller.enqueue(new Uint8Array(chunks[i++]!).fill(97));
      else controller.close();
    },
  });
}

describe("readLimited", () => {
  it("returns the bytes of a body at or under the limit, and empty bytes for no body", async () => {
    expect(new TextDecoder().decode((await readLimited(post("héllo"), 6))!)).toBe("héllo");
    expect(await readLimited(new Request("https://app.example/x"), 10)).toEqual(new Uint8Array(0));
  });

  it("refuses a body whose Content-Length is over the limit without reading it", async () => {
    const request = post(streamOf([4]), { "content-length": "11" });
    expect(await readLimited(request, 10)).toBeNull();
    expect(request.bodyUsed).toBe(false);
  });

  it("stops reading once the body is larger than the limit, whatever it declared", async () => {
    let pulls = 0;
    expect(await readLimited(post(streamOf([6, 6, 6, 6], () => pulls++)), 10)).toBeNull();
    expect(pulls).toBeLessThanOrEqual(3);
    expect((await readLimited(post(streamOf([5, 5])), 10))?.byteLength).toBe(10);
  });

  it("throws when the body cannot be read", async () => {
    const broken = new ReadableStream({ pull: (c) => c.error(new Error("reset")) });
    await expect(readLimited(post(broken), 10)).rejects.toThrow();
  });
});
