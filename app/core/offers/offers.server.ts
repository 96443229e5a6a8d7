// A recipient's own discount code, made in Shopify only when the email that
// carries it is about to be sent (delivery calls ensureOffer per recipient it is
// really sending to). Idempotent: the Offer row, unique per (campaign, email,
// customer), is written first with its code, then the code is created in
// Shopify; a retry after a crash finds the row and reuses the same code, so a
// recipient never gets two codes for one email.
import { z } from "zod";
import prisma, { isUniqueViolation, type Database } from "../../db.server";
import { throttledAdmin, type AdminGraphqlClient } from "../backfill/admin-client.server";
import type { Offer } from "../flows/plan";
import { discountCodeInput, expiryDays, newOfferCode, offerProblems, type IncentivePolicy } from "./offer";

export class OfferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OfferError";
  }
}

const CREATE_BASIC = `mutation LoopwiseOfferCreate($input: DiscountCodeBasicInput!) {
  result: discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

const CREATE_FREE_SHIPPING = `mutation LoopwiseFreeShippingOfferCreate($input: DiscountCodeFreeShippingInput!) {
  result: discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

const createAnswer = z.object({
  result: z.object({
    codeDiscountNode: z.object({ id: z.string() }).nullable(),
    userErrors: z.array(z.object({ message: z.string(), code: z.string().nullable().optional() })),
  }),
});

export interface OfferTarget {
  campaignId: string;
  step: number;
  customerId: string;
}

export interface OfferOptions {
  admin: AdminGraphqlClient;
  db?: Database;
  now?: Date;
  policy?: IncentivePolicy;
  title?: string;
}

/** The recipient's code for the plan's offer (percentage, fixed amount or free shipping), made once. */
export async function ensureOffer(shopId: string, target: OfferTarget, offer: Offer, options: OfferOptions) {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const problems = offerProblems(offer, options.policy);
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  if (offer.kind === "fixed-amount" && shop && shop.currency !== offer.currency) problems.push(`the offer is in ${offer.currency}, the shop sells in ${shop.currency}`);
  if (problems.length > 0) throw new OfferError(`offer refused: ${problems.join("; ")}`);
  const customer = await db.customer.findFirst({ where: { id: target.customerId, shopId, deletedAt: null }, select: { shopifyId: true } });
  if (!customer) throw new OfferError("offer refused: no such customer in this shop");

  let row = await findOffer(db, target);
  if (row?.status === "created") return row;
  if (!row) row = await createRow(db, shopId, target, offer, now);

  const answer = await throttledAdmin(options.admin).request(
    offer.kind === "free-shipping" ? CREATE_FREE_SHIPPING : CREATE_BASIC,
    {
      input: discountCodeInput({
        code: row.code,
        title: options.title ?? `Loopwise ${row.code}`,
        offer,
        currency: shop?.currency ?? "USD",
        customerGid: `gid://shopify/Customer/${customer.shopifyId}`,
        startsAt: row.createdAt,
        endsAt: row.expiresAt,
      }),
    },
    createAnswer,
  );
  const result = answer.result;
  if (result.codeDiscountNode) {
    return db.offer.update({ where: { id: row.id }, data: { status: "created", shopifyDiscountId: result.codeDiscountNode.id, error: null } });
  }
  // The code is random (50 bits) and was ours before we asked: "taken" means an
  // earlier attempt created it and crashed before recording that.
  if (result.userErrors.some((e) => e.code === "TAKEN")) return db.offer.update({ where: { id: row.id }, data: { status: "created", error: null } });
  const message = result.userErrors.map((e) => e.message).join("; ").slice(0, 500) || "Shopify did not create the code";
  await db.offer.update({ where: { id: row.id }, data: { status: "failed", error: message } });
  throw new OfferError(`Shopify refused the discount code: ${message}`);
}

function findOffer(db: Database, t: OfferTarget) {
  return db.offer.findUnique({ where: { campaignId_step_customerId: { campaignId: t.campaignId, step: t.step, customerId: t.customerId } } });
}

async function createRow(db: Database, shopId: string, target: OfferTarget, offer: Offer, now: Date) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await db.offer.create({
        data: {
          shopId,
          ...target,
          code: newOfferCode(),
          kind: offer.kind,
          value: offer.kind === "percentage" ? offer.percent : offer.kind === "fixed-amount" ? offer.amountMinor : 0,
          expiresAt: new Date(now.getTime() + expiryDays(offer) * 86_400_000),
          createdAt: now,
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = await findOffer(db, target); // another worker made it first
      if (raced) return raced;
      // else: a code collision in this shop; draw again
    }
  }
  throw new OfferError("could not draw a unique code");
}
