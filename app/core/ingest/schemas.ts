// zod schemas for Shopify's REST webhook payloads: tolerant of extra fields
// (unknown keys are dropped), strict on the fields Loopwise uses.
import { z } from "zod";

/** A Shopify id as a JSON number or string (or a GID): always the numeric string. */
export const zId = z.union([z.number().int().nonnegative(), z.string().min(1)]).transform((v) => {
  const text = String(v);
  return text.slice(text.lastIndexOf("/") + 1);
});

/** A decimal amount as Shopify sends it ("19.99", sometimes a number). */
export const zAmount = z.union([z.string().regex(/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/, "not a decimal amount"), z.number().finite()]);

export const zDate = z
  .string()
  .min(1)
  .refine((s) => !Number.isNaN(Date.parse(s)), "not a date")
  .transform((s) => new Date(s));

const opt = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => (v ?? null) as z.output<T> | null);
export const zText = opt(z.string());
export const zOptDate = opt(zDate);

export const zMoney = z.object({ amount: zAmount, currency_code: z.string().min(3) });
export const zMoneySet = z.object({ shop_money: zMoney, presentment_money: zMoney.nullish() });

export const zConsent = z.object({
  state: z.string().min(1),
  opt_in_level: zText,
  consent_updated_at: zOptDate,
});

const zAddress = z.object({
  country_code: zText,
  province: zText,
  city: zText,
  zip: zText,
});

/** The person fields every customer object carries (customers/* and the one inside orders). */
const zPerson = z.object({
  id: zId,
  email: zText,
  first_name: zText,
  last_name: zText,
  phone: zText,
  state: zText,
});

export const zCustomerPayload = zPerson.extend({
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  email_marketing_consent: zConsent.nullish(),
  accepts_marketing: z.boolean().nullish(),
  default_address: zAddress.nullish(),
  created_at: zOptDate,
  updated_at: zOptDate,
});
export type CustomerPayload = z.output<typeof zCustomerPayload>;

export const zCustomerDeletePayload = z.object({ id: zId });

const zLineItem = z.object({
  id: zId,
  product_id: zId.nullish(),
  variant_id: zId.nullish(),
  title: z.string().nullish(),
  name: z.string().nullish(),
  variant_title: zText,
  sku: zText,
  quantity: z.number().int(),
  price: zAmount,
  price_set: zMoneySet.nullish(),
  total_discount: zAmount.nullish(),
  total_discount_set: zMoneySet.nullish(),
});

const zTransaction = z.object({
  kind: z.string().nullish(),
  status: z.string().nullish(),
  amount: zAmount,
  currency: zText,
});

const zRefundLine = z.object({
  subtotal_set: zMoneySet.nullish(),
  total_tax_set: zMoneySet.nullish(),
});

const zAdjustment = z.object({
  kind: zText,
  amount_set: zMoneySet.nullish(),
  tax_amount_set: zMoneySet.nullish(),
});

export const zRefundPayload = z.object({
  id: zId,
  order_id: zId,
  created_at: zDate,
  transactions: z.array(zTransaction).nullish(),
  refund_line_items: z.array(zRefundLine).nullish(),
  order_adjustments: z.array(zAdjustment).nullish(),
  refund_shipping_lines: z.array(z.object({ subtotal_amount_set: zMoneySet.nullish() })).nullish(),
});
export type RefundPayload = z.output<typeof zRefundPayload>;

const zEmbeddedCustomer = zPerson.extend({
  email_marketing_consent: zConsent.nullish(),
  created_at: zOptDate,
});
export type EmbeddedCustomerPayload = z.output<typeof zEmbeddedCustomer>;

export const zOrderPayload = z.object({
  id: zId,
  name: z.string().nullish(),
  email: zText,
  contact_email: zText,
  customer: zEmbeddedCustomer.nullish(),
  currency: z.string().min(3),
  presentment_currency: zText,
  total_price: zAmount,
  subtotal_price: zAmount.nullish(),
  total_discounts: zAmount.nullish(),
  total_tax: zAmount.nullish(),
  total_price_set: zMoneySet.nullish(),
  subtotal_price_set: zMoneySet.nullish(),
  total_discounts_set: zMoneySet.nullish(),
  total_tax_set: zMoneySet.nullish(),
  total_shipping_price_set: zMoneySet.nullish(),
  shipping_lines: z.array(z.object({ price: zAmount.nullish(), price_set: zMoneySet.nullish() })).nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).nullish(),
  landing_site: zText,
  referring_site: zText,
  source_name: zText,
  checkout_token: zText,
  cart_token: zText,
  financial_status: zText,
  fulfillment_status: zText,
  test: z.boolean().nullish(),
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  processed_at: zOptDate,
  cancelled_at: zOptDate,
  cancel_reason: zText,
  created_at: zDate,
  updated_at: zDate,
  line_items: z.array(zLineItem).default([]),
  refunds: z.array(zRefundPayload).nullish(),
});
export type OrderPayload = z.output<typeof zOrderPayload>;

export const zCheckoutPayload = z.object({
  id: zId,
  token: z.string().min(1),
  cart_token: zText,
  email: zText,
  customer: zEmbeddedCustomer.nullish(),
  abandoned_checkout_url: zText,
  currency: z.string().min(3),
  presentment_currency: zText,
  total_price: zAmount.nullish(),
  line_items: z
    .array(
      z.object({
        product_id: zId.nullish(),
        variant_id: zId.nullish(),
        title: z.string().nullish(),
        variant_title: zText,
        quantity: z.number().int(),
        price: zAmount,
      }),
    )
    .default([]),
  completed_at: zOptDate,
  created_at: zDate,
  updated_at: zDate,
});
export type CheckoutPayload = z.output<typeof zCheckoutPayload>;

export const zProductPayload = z.object({
  id: zId,
  title: z.string(),
  handle: z.string().min(1),
  body_html: zText,
  vendor: zText,
  product_type: zText,
  status: zText,
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  published_at: zOptDate,
  created_at: zOptDate,
  updated_at: zDate,
  variants: z
    .array(
      z.object({
        id: zId,
        title: zText,
        sku: zText,
        price: zAmount,
        compare_at_price: z.union([zAmount, z.literal("")]).nullish(),
        inventory_quantity: z.number().int().nullish(),
        inventory_management: zText,
        inventory_policy: zText,
        position: z.number().int().nullish(),
      }),
    )
    .default([]),
  image: z.object({ src: z.string() }).nullish(),
  images: z.array(z.object({ src: z.string(), position: z.number().int().nullish() })).nullish(),
});
export type ProductPayload = z.output<typeof zProductPayload>;

export const zProductDeletePayload = z.object({ id: zId });

export const zCustomersRedactPayload = z.object({
  shop_domain: zText,
  customer: z.object({ id: zId.nullish(), email: zText, phone: zText }).nullish(),
  orders_to_redact: z.array(zId).nullish(),
});

export const zCustomersDataRequestPayload = z.object({
  shop_domain: zText,
  customer: z.object({ id: zId.nullish() }).nullish(),
  orders_requested: z.array(zId).nullish(),
  data_request: z.object({ id: zId.nullish() }).nullish(),
});

export const zShopRedactPayload = z.object({ shop_domain: zText });

export const zScopesUpdatePayload = z.object({
  current: z.array(z.string()),
  previous: z.array(z.string()).nullish(),
  updated_at: zOptDate,
});

/** A zod error as "path: code" lines: no received values (they may be personal data). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.code}`)
    .join("; ");
}
