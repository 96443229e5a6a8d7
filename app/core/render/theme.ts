// The brand as an email shows it: shop name, logo, colours, postal address.
// Colours are checked for contrast so a merchant's palette cannot make the copy
// or the button unreadable, and a fixed dark palette is offered to clients that
// honour prefers-color-scheme (Apple Mail, Outlook.com, some mobile apps).
import { z } from "zod";
import { cleanText, safeHttpUrl } from "./escape";

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const colour = (what: string) =>
  z
    .string()
    .trim()
    .regex(HEX, `${what} must be a hex colour such as #1a73e8`)
    .transform((c) => normaliseHex(c));
const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .max(2_000, `${what} is longer than 2,000 characters`)
    .refine((u) => safeHttpUrl(u) !== null, `${what} must be an http(s) URL`)
    .transform((u) => safeHttpUrl(u)!);
const line = (what: string, max: number) =>
  z
    .string()
    .transform(cleanText)
    .pipe(z.string().min(1, `${what} is required`).max(max, `${what} is longer than ${max} characters`));

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const BrandSchema = z
  .object({
    shopName: line("the shop name", 100),
    /** The storefront's home page: the header (logo or name) links here. */
    shopUrl: httpUrl("the shop URL"),
    logoUrl: httpUrl("the logo URL").nullable().default(null),
    /** Legal footer (CAN-SPAM and similar laws): required, emails are not rendered without it. */
    postalAddress: z
      .string()
      .transform((s) => s.split(/\r\n|\r|\n/).map(cleanText).filter(Boolean).join(", "))
      .pipe(z.string().min(1, "the shop's postal address is required for the legal footer (settings)").max(300, "the postal address is longer than 300 characters")),
    /** ISO 4217: every price is shown in it. */
    currency: z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO code such as USD"),
    /** Offer expiry dates are shown in this zone. */
    timeZone: z.string().default("UTC").refine(validTimeZone, "the time zone must be an IANA name such as Europe/Paris"),
    /** Said instead of a first name we do not have: "Hi there,". */
    firstNameFallback: line("the first-name fallback", 40).default("there"),
    colors: z
      .object({
        primary: colour("the primary colour").default("#1a1a1a"),
        background: colour("the background colour").default("#f4f4f4"),
        surface: colour("the content background colour").default("#ffffff"),
        text: colour("the text colour").default("#1a1a1a"),
      })
      .strict()
      .default({}),
  })
  .strict();
export type Brand = z.output<typeof BrandSchema>;
export type BrandInput = z.input<typeof BrandSchema>;

export interface Theme {
  background: string;
  surface: string;
  text: string;
  muted: string;
  primary: string;
  /** Text on the primary colour (the button). */
  onPrimary: string;
  /** Links inside copy. */
  link: string;
  dark: { background: string; surface: string; text: string; muted: string; link: string; border: string };
}

const DARK = { background: "#121212", surface: "#1e1e1e", text: "#f2f2f2", muted: "#b8b8b8", border: "#5a5a5a" };
/** WCAG AA for body text; 3:1 is enough for large text and links that are also underlined. */
const TEXT_CONTRAST = 4.5;
const LINK_CONTRAST = 3;

/** Colours for the email, with what was changed to keep it readable. */
export function themeFor(colors: Brand["colors"]): { theme: Theme; warnings: string[] } {
  const warnings: string[] = [];
  let text = colors.text;
  if (contrast(text, colors.surface) < TEXT_CONTRAST) {
    const better = pickReadable(colors.surface);
    warnings.push(
      `the text colour ${text} on ${colors.surface} has contrast ${contrast(text, colors.surface).toFixed(1)} (under ${TEXT_CONTRAST}); ${better} is used instead`,
    );
    text = better;
  }
  const onPrimary = pickReadable(colors.primary);
  const softer = mix(text, colors.surface, 0.3);
  const muted = contrast(softer, colors.surface) >= TEXT_CONTRAST ? softer : text;
  const link = contrast(colors.primary, colors.surface) >= LINK_CONTRAST ? colors.primary : text;
  const darkLink = contrast(colors.primary, DARK.surface) >= TEXT_CONTRAST ? colors.primary : DARK.text;
  return {
    theme: { background: colors.background, surface: colors.surface, text, muted, primary: colors.primary, onPrimary, link, dark: { ...DARK, link: darkLink } },
    warnings,
  };
}

/** Near-black or white, whichever reads better on `background`. */
function pickReadable(background: string): string {
  return contrast("#111111", background) >= contrast("#ffffff", background) ? "#111111" : "#ffffff";
}

function normaliseHex(c: string): string {
  const h = c.toLowerCase();
  return h.length === 4 ? `#${h[1]}${h[1]}${h[2]}${h[2]}${h[3]}${h[3]}` : h;
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG 2 relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `weight` of b mixed into a. */
function mix(a: string, b: string, weight: number): string {
  const [ar, ag, ab] = rgb(a);
  const [br, bg, bb] = rgb(b);
  const ch = (x: number, y: number) => Math.round(x * (1 - weight) + y * weight).toString(16).padStart(2, "0");
  return `#${ch(ar, br)}${ch(ag, bg)}${ch(ab, bb)}`;
}
