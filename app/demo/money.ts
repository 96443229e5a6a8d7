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

/** Rounds a price to a retail ending (x.00, x.50 or x.95 style). */
export function retailPrice(cents: number): number {
  const dollars = Math.max(3, Math.round(cents / 100));
  if (dollars < 20) return dollars * 100 - 1; // 12.99
  return dollars * 100; // 48.00
}
