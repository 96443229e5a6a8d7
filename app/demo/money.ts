// Money helpers: integer cents inside the generator, decimal strings in payloads.
import type { MoneySet } from "./types";

export function toMoney(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function moneySet(cents: number, currency: string): MoneySet {
  const amount = toMoney(cents);
  return { shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } };
}

/** An order's money fields in one currency (cents in, the REST payload's strings and sets out). */
export function orderTotals(c: { total: number; subtotal: number; itemsTotal: number; discountTotal: number; tax: number; shipping: number }, currency: string) {
  return {
    currency,
    presentment_currency: currency,
    total_price: toMoney(c.total),
    subtotal_price: toMoney(c.subtotal),
    total_line_items_price: toMoney(c.itemsTotal),
    total_discounts: toMoney(c.discountTotal),
    total_tax: toMoney(c.tax),
    current_total_price: toMoney(c.total),
    total_price_set: moneySet(c.total, currency),
    subtotal_price_set: moneySet(c.subtotal, currency),
    total_discounts_set: moneySet(c.discountTotal, currency),
    total_tax_set: moneySet(c.tax, currency),
    total_shipping_price_set: moneySet(c.shipping, currency),
    taxes_included: false,
  };
}

/** An abandoned checkout's money fields: its lines' subtotal, no discount, tax or shipping yet. */
export function checkoutTotals(subtotal: number) {
  return {
    subtotal_price: toMoney(subtotal),
    total_line_items_price: toMoney(subtotal),
    total_discounts: "0.00",
    total_tax: "0.00",
    total_price: toMoney(subtotal),
    taxes_included: false,
    discount_codes: [] as [],
  };
}

/** Rounds a price to a retail ending (x.00, x.50 or x.95 style). */
export function retailPrice(cents: number): number {
  const dollars = Math.max(3, Math.round(cents / 100));
  if (dollars < 20) return dollars * 100 - 1; // 12.99
  return dollars * 100; // 48.00
}
