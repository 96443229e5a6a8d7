// Compile once, merge per recipient: escaping, links, footer, size, and that a
// merged email is byte for byte the full MJML render of the same recipient.
import { beforeAll, describe, expect, it } from "vitest";
import { checkRendered, GMAIL_CLIP_BYTES, mergeEmail, RenderInputError, type CompiledEmail, type LinkContext, type Recipient } from "~/core/render";
import { compileEmail, renderFull } from "~/core/render/compile.server";
import { BRAND, FOOTER, bodyText, draft, elements, input, product, recipient } from "./fixtures";

let compiled: CompiledEmail;
beforeAll(async () => {
  compiled = await compileEmail(input());
});

const HOSTILE_NAME = `"><img src=x onerror=alert(1)>`;
const HOSTILE_TITLE = `<script>alert("pwned")</script> Tee`;

/** A hook that tags each link with its kind and a running number, recording every call. */
function taggingHook() {
  const calls: Array<{ url: string } & LinkContext> = [];
  const link = (url: string, context: LinkContext) => {
    calls.push({ url, ...context });
    const u = new URL(url);
    u.searchParams.set("lw_click", `${context.kind}-${calls.length}`);
    return u.href;
  };
  return { link, calls };
}

describe("merging", () => {
  it("gives the same HTML as a full per-recipient MJML render, for varied recipients", async () => {
    const hostile: Recipient = recipient(7, { firstName: HOSTILE_NAME, products: { cart: [product(1, { title: HOSTILE_TITLE, url: "javascript:alert(1)" })] } });
    for (const r of [recipient(0), recipient(1), recipient(2), recipient(3), recipient(4), hostile]) {
      const options = { link: taggingHook().link, subjectIndex: 1 };
      const merged = mergeEmail(compiled, r, options);
      const full = await renderFull(input(), r, { link: taggingHook().link, subjectIndex: 1 });
      expect(merged.html).toBe(full.html);
      expect(merged.text).toBe(full.text);
      expect(merged.subject).toBe("Your cart is waiting");
    }
  });

  it("is deterministic: compiling and merging again gives the same bytes", async () => {
    const again = await compileEmail(input());
    expect(again.html).toEqual(compiled.html);
    expect(again.text).toEqual(compiled.text);
    const a = mergeEmail(compiled, recipient(2), { link: taggingHook().link });
    const b = mergeEmail(again, recipient(2), { link: taggingHook().link });
    expect(a).toEqual(b);
  });

  it("survives a JSON round trip of the compiled template (cache or queue between compile and merge)", () => {
    const copy = JSON.parse(JSON.stringify(compiled)) as CompiledEmail;
    expect(mergeEmail(copy, recipient(1))).toEqual(mergeEmail(compiled, recipient(1)));
  });

  it("personalises name (with fallback), behaviour line, products and offer", () => {
    const ann = mergeEmail(compiled, recipient(0, { offer: { code: "BACK-42", expiresAt: "2026-05-12T03:00:00Z" } }));
    const text = bodyText(ann.html);
    expect(text).toContain("Hi Ann,");
    expect(text).toContain("Still thinking about your cart?");
    expect(text).toContain("Product number 0");
    expect(text).toContain("$10.00");
    expect(text).toContain("BACK-42");
    // 03:00 UTC on the 12th is still the 11th in Chicago (the brand's time zone).
    expect(text).toContain("Valid until May 11, 2026");
    expect(ann.text).toContain("Your code: BACK-42 (valid until May 11, 2026)");

    const nobody = mergeEmail(compiled, recipient(1, { firstName: null, behaviour: null, offer: null }));
    expect(bodyText(nobody.html)).toContain("Hi there,");
    expect(nobody.text).toContain("Hi there,\n\n");
    expect(nobody.text).not.toContain("Your code");
    expect(nobody.text).not.toMatch(/\n{3,}/);

    const viewed = mergeEmail(compiled, recipient(2));
    expect(viewed.text).toContain("You viewed Linen Shirt twice.");
  });

  it("uses the brand's own fallback name", async () => {
    const own = await compileEmail(input({ brand: { ...BRAND, firstNameFallback: "friend" } }));
    expect(mergeEmail(own, recipient(3, { firstName: "   " })).text).toContain("Hi friend,");
  });

  it("shows at most the cap of products, counts the rest, and skips duplicates", () => {
    const cart = [...Array.from({ length: 10 }, (_, i) => product(i)), product(3)];
    const merged = mergeEmail(compiled, recipient(0, { products: { cart } }));
    const titles = elements(merged.html, "img").map((img) => img.attribs.alt).filter((alt) => alt?.startsWith("Product number"));
    expect(titles).toEqual(["Product number 0", "Product number 1", "Product number 2", "Product number 3", "Product number 4", "Product number 5"]);
    expect(bodyText(merged.html)).toContain("and 4 more");
    expect(merged.text).toContain("and 4 more");
  });
});

describe("escaping", () => {
  it("renders hostile names, titles, codes and behaviour lines as text", () => {
    const merged = mergeEmail(
      compiled,
      recipient(1, {
        firstName: HOSTILE_NAME,
        behaviour: { kind: "viewed", productTitle: `<b onmouseover="x()">Shirt</b>`, count: 3 },
        products: { cart: [product(1, { title: HOSTILE_TITLE })] },
        offer: { code: `<i>CODE</i>"'`, expiresAt: null },
      }),
    );
    expect(elements(merged.html, "script")).toHaveLength(0);
    expect(elements(merged.html, "b")).toHaveLength(0);
    expect(elements(merged.html, "i")).toHaveLength(0);
    for (const tag of ["img", "a", "p", "span", "td"]) {
      for (const el of elements(merged.html, tag)) expect(Object.keys(el.attribs).filter((a) => a.startsWith("on")), tag).toEqual([]);
    }
    const text = bodyText(merged.html);
    expect(text).toContain(`Hi ${HOSTILE_NAME},`);
    expect(text).toContain(HOSTILE_TITLE);
    expect(text).toContain(`You viewed <b onmouseover="x()">Shirt</b> 3 times.`);
    expect(text).toContain(`<i>CODE</i>"'`);
    // Alt text is an attribute: still the title, as data.
    expect(elements(merged.html, "img").some((img) => img.attribs.alt === HOSTILE_TITLE)).toBe(true);
  });

  it("escapes hostile copy and brand text at compile time, and no data can spell a merge slot", async () => {
    const hostileDraft = draft({ headline: `{{lw:unsub}} <script>x</script>`, bodyBlocks: [{ type: "paragraph", text: `"><svg onload=alert(1)> {{lw:first}}` }] });
    const c = await compileEmail(input({ draft: hostileDraft, brand: { ...BRAND, shopName: `<b>Acme</b> {{lw:offer}}` } }));
    expect(c.html.slots.filter((s) => s === "unsub")).toHaveLength(1);
    expect(c.html.slots).not.toContain("first");
    const merged = mergeEmail(c, recipient(0));
    expect(elements(merged.html, "script")).toHaveLength(0);
    expect(elements(merged.html, "svg")).toHaveLength(0);
    expect(bodyText(merged.html)).toContain(`"><svg onload=alert(1)> {{lw:first}}`);
    expect(checkRendered(merged.html, merged.text, { ...FOOTER, shopName: "<b>Acme</b> {{lw:offer}}" })).toEqual([]);
    expect(merged.text).toContain("{{lw:unsub}} <script>x</script>");
  });

  it("drops javascript: and data: product links and images, and percent-encodes quotes in URLs", () => {
    const merged = mergeEmail(
      compiled,
      recipient(0, {
        products: {
          cart: [
            product(1, { url: "javascript:alert(document.cookie)", imageUrl: "data:image/svg+xml,<svg onload=alert(1)>" }),
            product(2, { url: `https://acme.example/p?x="><script>alert(1)</script>` }),
          ],
        },
      }),
    );
    const hrefs = elements(merged.html, "a").map((a) => a.attribs.href ?? "");
    expect(hrefs.every((h) => /^https?:\/\//.test(h))).toBe(true);
    expect(hrefs).toContain("https://acme.example/p?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
    expect(elements(merged.html, "img").map((i) => i.attribs.src)).not.toContain(expect.stringMatching(/^data:/));
    expect(bodyText(merged.html)).toContain("Product number 1");
    expect(merged.text).not.toContain("javascript:");
  });

  it("refuses a call to action or an unsubscribe link that is not http(s), in words", async () => {
    await expect(compileEmail(input({ draft: draft({ callToAction: { label: "Go", url: "javascript:alert(1)" } }) }))).rejects.toThrow(
      "the call to action's link is not an http(s) URL",
    );
    expect(() => mergeEmail(compiled, recipient(0, { unsubscribeUrl: "javascript:alert(1)" }))).toThrow(RenderInputError);
    expect(() => mergeEmail(compiled, recipient(0, { unsubscribeUrl: "javascript:alert(1)" }))).toThrow("unsubscribe link must be an absolute http(s) URL");
  });

  it("leaves a javascript: URL in copy as text, never a link", async () => {
    const c = await compileEmail(input({ draft: draft({ bodyBlocks: [{ type: "paragraph", text: "Try javascript:alert(1) or www.acme.example/sale!" }] }) }));
    const merged = mergeEmail(c, recipient(0));
    const body = elements(merged.html, "a").map((a) => a.attribs.href);
    expect(body).toContain("https://www.acme.example/sale");
    expect(body.some((h) => h?.includes("javascript"))).toBe(false);
    expect(bodyText(merged.html)).toContain("Try javascript:alert(1) or www.acme.example/sale!");
  });
});

describe("the link hook", () => {
  it("is applied to every <a href> of the HTML and every URL of the text, once per link", () => {
    const { link, calls } = taggingHook();
    const merged = mergeEmail(compiled, recipient(3, { products: { cart: [product(1), product(2)] } }), { link });
    const anchors = elements(merged.html, "a");
    expect(anchors.length).toBeGreaterThanOrEqual(8);
    for (const a of anchors) expect(new URL(a.attribs.href!).searchParams.get("lw_click"), a.attribs.href).toMatch(/^(logo|cta|body|product|unsubscribe)-\d+$/);
    const textUrls = merged.text.match(/https?:\/\/\S+/g) ?? [];
    expect(textUrls.length).toBeGreaterThanOrEqual(6);
    for (const u of textUrls) expect(u).toContain("lw_click=");
    // One call per distinct link (the HTML and the text share its answer).
    expect(calls.map((c) => c.kind).sort()).toEqual(["body", "cta", "logo", "product", "product", "product", "unsubscribe"]);
    expect(calls.filter((c) => c.kind === "product").map((c) => c.productId).sort()).toEqual(["featured-1", "p1", "p2"]);
  });

  it("must return an http(s) URL", () => {
    expect(() => mergeEmail(compiled, recipient(0), { link: () => "javascript:alert(1)" })).toThrow(/link hook turned a \w+ link into "javascript:alert\(1\)"/);
  });
});

describe("footer and plain text", () => {
  const variants = [
    draft(),
    draft({ bodyBlocks: [{ type: "paragraph", text: "Only words here." }] }),
    draft({ bodyBlocks: [{ type: "products", source: "viewed" }] }),
    draft({ bodyBlocks: [{ type: "offer" }, { type: "greeting" }] }),
  ];

  it("has the legal footer with the unsubscribe link in both parts, whatever the draft", async () => {
    for (const [i, d] of variants.entries()) {
      const c = await compileEmail(input({ draft: d, brand: i % 2 ? { ...BRAND, logoUrl: null } : BRAND }));
      for (const r of [recipient(0), recipient(1, { products: {} })]) {
        const merged = mergeEmail(c, r);
        expect(checkRendered(merged.html, merged.text, { ...FOOTER, unsubscribeUrl: r.unsubscribeUrl })).toEqual([]);
        const footer = elements(merged.html, "td").find((td) => td.attribs.class === "lw-footer")!;
        expect(footer).toBeDefined();
        expect(merged.text).toContain("1 Main Street, Springfield, IL 62701, USA");
        expect(merged.text).toContain(`Unsubscribe: ${r.unsubscribeUrl}`);
        expect(elements(merged.html, "a").some((a) => a.attribs.href === r.unsubscribeUrl)).toBe(true);
      }
    }
  });

  it("plain text carries no HTML", () => {
    const merged = mergeEmail(compiled, recipient(0));
    expect(merged.text).not.toMatch(/[<>]/);
    expect(merged.text).not.toMatch(/&(?:amp|lt|gt|quot|#\d+);/);
    expect(merged.text).toContain("Organic Cotton Tee - $25.00 (was $30.00)");
    expect(merged.text).toContain("Return to your cart: https://acme.example/cart");
  });

  it("every image has alt text, and the preheader is hidden", () => {
    const merged = mergeEmail(compiled, recipient(0));
    for (const img of elements(merged.html, "img")) expect(img.attribs.alt?.trim(), img.attribs.src).toBeTruthy();
    const pre = elements(merged.html, "div").find((d) => d.attribs.style?.includes("display:none"));
    expect(pre && bodyText(`<body>${pre.children.map((c) => ("data" in c ? c.data : "")).join("")}</body>`)).toContain("Your picks are saved");
    expect(pre!.attribs.style).toMatch(/max-height:0/);
  });
});

describe("size", () => {
  const longTitle = "Hand-loomed organic cotton & linen blend oversized weekend shirt with mother-of-pearl buttons, garment dyed in small batches – limited run".slice(0, 150);
  const bigCart = Array.from({ length: 50 }, (_, i) => product(i, { title: `${longTitle} ${i}`, url: `https://acme.example/products/${"x".repeat(120)}-${i}?variant=${i}&utm_content=cart` }));
  const longHook = (url: string, c: LinkContext) => `${url}${url.includes("?") ? "&" : "?"}lw_click=${"t".repeat(48)}&utm_source=loopwise&utm_medium=email&utm_campaign=${c.kind}`;

  it("stays under Gmail's clipping limit with a 50-item cart shown whole", async () => {
    const c = await compileEmail(input({ options: { maxProductsPerBlock: 50 } }));
    const merged = mergeEmail(c, recipient(0, { products: { cart: bigCart } }), { link: longHook });
    const bytes = Buffer.byteLength(merged.html);
    expect(elements(merged.html, "img").length).toBe(52);
    expect(bytes).toBeLessThan(GMAIL_CLIP_BYTES);
    expect(checkRendered(merged.html, merged.text, FOOTER)).toEqual([]);
  });

  it("shows six of a 50-item cart by default", () => {
    const merged = mergeEmail(compiled, recipient(0, { products: { cart: bigCart } }), { link: longHook });
    expect(bodyText(merged.html)).toContain("and 44 more");
    expect(Buffer.byteLength(merged.html)).toBeLessThan(40_000);
  });
});

describe("brand", () => {
  it("refuses a brand without a postal address, or with a bad colour or logo URL, in words", async () => {
    await expect(compileEmail(input({ brand: { ...BRAND, postalAddress: " \n " } }))).rejects.toThrow("postal address is required for the legal footer");
    await expect(compileEmail(input({ brand: { ...BRAND, colors: { primary: "red; background:url(x)" } } }))).rejects.toThrow("must be a hex colour");
    await expect(compileEmail(input({ brand: { ...BRAND, logoUrl: "javascript:alert(1)" } }))).rejects.toThrow("the logo URL must be an http(s) URL");
    await expect(compileEmail(input({ brand: { ...BRAND, timeZone: "Mars/Olympus" } }))).rejects.toThrow("IANA");
    await expect(compileEmail(input({ products: [] }))).rejects.toThrow("block 3 shows product featured-1, which is not among this email's products");
  });

  it("keeps text readable: a too-light text colour is replaced (with a warning), button text contrasts with the button", async () => {
    const c = await compileEmail(input({ brand: { ...BRAND, colors: { text: "#cccccc", primary: "#ffd400" } } }));
    expect(c.warnings).toEqual([expect.stringContaining("the text colour #cccccc on #ffffff has contrast 1.6")]);
    expect(c.model.theme.text).toBe("#111111");
    expect(c.model.theme.onPrimary).toBe("#111111");
    const dark = await compileEmail(input({ brand: { ...BRAND, colors: { primary: "#102040" } } }));
    expect(dark.model.theme.onPrimary).toBe("#ffffff");
  });

  it("formats prices in the shop currency", async () => {
    const eur = await compileEmail(input({ brand: { ...BRAND, currency: "EUR" } }));
    expect(mergeEmail(eur, recipient(0, { products: { cart: [product(0, { priceMinor: 123456 })] } })).text).toContain("€1,234.56");
    const jpy = await compileEmail(input({ brand: { ...BRAND, currency: "JPY" } }));
    expect(mergeEmail(jpy, recipient(0, { products: { cart: [product(0, { priceMinor: 1999 })] } })).text).toContain("¥1,999");
  });

  it("is laid out for Outlook (fixed-width ghost tables) and for phones (media queries)", () => {
    const merged = mergeEmail(compiled, recipient(0));
    expect(merged.html).toMatch(/<!--\[if mso \| IE\]><table align="center"[^>]*width="600"/);
    expect(merged.html).toContain("@media only screen and (min-width:480px)");
    expect(elements(merged.html, "meta").some((m) => m.attribs.name === "viewport")).toBe(true);
  });

  it("declares dark-mode support and a dark palette", () => {
    const merged = mergeEmail(compiled, recipient(0));
    expect(elements(merged.html, "meta").some((m) => m.attribs.name === "color-scheme" && m.attribs.content === "light dark")).toBe(true);
    expect(merged.html).toContain("@media (prefers-color-scheme: dark)");
  });
});

describe("checkRendered", () => {
  it("reports each missing piece in words", () => {
    const good = mergeEmail(compiled, recipient(0));
    expect(checkRendered(good.html, good.text, FOOTER)).toEqual([]);
    const noFooter = good.html.replace('class="lw-footer"', "");
    expect(checkRendered(noFooter, good.text)).toContain("HTML: there is no legal footer");
    const noUnsub = good.html.replace(">Unsubscribe</a>", ">Preferences</a>");
    expect(checkRendered(noUnsub, good.text)).toContain("HTML: the footer has no unsubscribe link");
    const big = good.html.replace("</body>", `<p>${"x".repeat(GMAIL_CLIP_BYTES)}</p></body>`);
    expect(checkRendered(big, good.text)[0]).toMatch(/^HTML: the email is [\d,]+ bytes; Gmail clips messages over 102,000 bytes$/);
    expect(checkRendered(good.html.replace(/ alt="[^"]*"/, ""), good.text)).toEqual(["HTML: 1 image has no alt text"]);
    expect(checkRendered(good.html.replace(/href="https:\/\/acme.example\/cart"/, 'href="javascript:x()"'), good.text)).toEqual(['HTML: 1 link is not http(s): "javascript:x()"']);
    expect(checkRendered(good.html, good.text.replace(/^Unsubscribe: .*$/m, ""))).toEqual(["plain text: there is no unsubscribe link"]);
    expect(checkRendered(good.html, "")).toEqual(["plain text: the plain-text part is empty"]);
    expect(checkRendered(good.html, good.text, { ...FOOTER, postalAddress: "9 Other Road" })).toEqual([
      "HTML: the footer does not show the shop's postal address",
      "plain text: the footer does not show the shop's postal address",
    ]);
  });
});
