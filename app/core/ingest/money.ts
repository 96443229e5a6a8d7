// Exact money parsing: Shopify sends amounts as decimal strings ("19.99",
// "1000", "12.345") in the currency's major unit. We keep integer minor units,
// computed digit by digit from the string, never through float multiplication
// (19.99 * 100 = 1998.9999999999998).

/** ISO 4217 exponents that differ from 2, plus Shopify's own conventions. */
const EXPONENT_OVERRIDES: Record<string, number> = {
  // zero-decimal currencies
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // three-decimal currencies
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/** Digits after the decimal point in a currency's minor unit (2 when unknown). */
export function currencyExponent(currency: string): number {
  const code = currency.trim().toUpperCase();
  if (code in EXPONENT_OVERRIDES) return EXPONENT_OVERRIDES[code]!;
  return 2;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * Converts a decimal amount to integer minor units of `currency`.
 * Extra fraction digits are rounded half away from zero ("0.005" USD → 1).
 * Accepts JSON numbers too (converted through their shortest decimal form).
 * Throws on anything that is not a plain decimal.
 */
export function toMinorUnits(amount: string | number, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof amount === "number" ? numberToDecimal(amount) : amount.trim();
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const negative = m[1] === "-";
  const whole = m[2] || "0";
  const fraction = m[3] ?? "";
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  const rest = fraction.slice(exponent);
  let minor = BigInt(whole + kept);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) minor += 1n;
  if (negative) minor = -minor;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`amount out of range: ${JSON.stringify(amount)}`);
  }
  // 32-bit INTEGER columns on PostgreSQL: refuse rather than overflow silently.
  if (minor > 2_147_483_647n || minor < -2_147_483_648n) throw new Error(`amount too large to store: ${JSON.stringify(amount)}`);
  return minor === 0n ? 0 : Number(minor);
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite amount: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // 1e-7 and 1e21: expand through toFixed (exact enough for money-sized values).
  return Math.abs(n) < 1 ? n.toFixed(20) : BigInt(Math.round(n)).toString();
}

/** "$1,234.56", "¥1,235", "1.234 KWD" for an unknown code: the currency's own decimals. */
export function formatMoney(minor: number, currency: string): string {
  return moneyFormatter(currency)(minor);
}

const formatters = new Map<string, (minor: number) => string>();

/** A formatter for one currency, built once (Intl formatters cost tens of microseconds each). */
export function moneyFormatter(currency: string): (minor: number) => string {
  let format = formatters.get(currency);
  if (format) return format;
  const exponent = currencyExponent(currency);
  try {
    const intl = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    format = (minor) => intl.format(minor / 10 ** exponent);
  } catch {
    format = (minor) => `${(minor / 10 ** exponent).toFixed(exponent)} ${currency}`;
  }
  if (formatters.size < 200) formatters.set(currency, format);
  return format;
}
