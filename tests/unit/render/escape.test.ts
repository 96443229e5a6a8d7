import { describe, expect, it } from "vitest";
import { cleanText, escapeHtml, safeHttpUrl } from "~/core/render";

describe("escapeHtml", () => {
  it("escapes markup, quotes and the braces of merge slots", () => {
    expect(escapeHtml(`"><img src=x onerror=alert(1)>`)).toBe("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(escapeHtml("<script>alert('x')</script> & {{lw:unsub}}")).toBe("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#123;&#123;lw:unsub&#125;&#125;");
  });
});

describe("cleanText", () => {
  it("drops control, zero-width and bidi-override characters and collapses whitespace", () => {
    expect(cleanText("  Ann\u202e\u0000 \n\t Lee\u200b ")).toBe("Ann Lee");
  });
});

describe("safeHttpUrl", () => {
  it("keeps absolute http(s) URLs in canonical form", () => {
    expect(safeHttpUrl(" https://acme.example/a b?q=\"x\" ")).toBe("https://acme.example/a%20b?q=%22x%22");
    expect(safeHttpUrl("http://acme.example")).toBe("http://acme.example/");
  });
  it("drops script, data, relative, credentialed and malformed URLs", () => {
    for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>", "/products/x", "//acme.example/x", "https://user:pw@acme.example/", "https://", "mailto:a@b.c", "vbscript:x", null, 42]) {
      expect(safeHttpUrl(bad), String(bad)).toBeNull();
    }
  });
});
