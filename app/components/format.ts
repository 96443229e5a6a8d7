// Formatting shared by admin pages (runs on the server and in the browser).

/** Integer minor units (cents) in `currency` as a localized amount, e.g. 123456 USD → "$1,234.56". */
export function formatMoney(minorUnits: number, currency: string, locale = "en-US"): string {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
  } catch {
    return `${(minorUnits / 100).toFixed(2)} ${currency}`;
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

export function formatCount(n: number, locale = "en-US"): string {
  return new Intl.NumberFormat(locale).format(n);
}
