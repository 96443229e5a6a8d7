// The incentive a plan may carry. One offer per plan: the dynamic-offer step later
// turns it into a unique single-use code per recipient; copy and validation only
// ever describe this object, so the words and the code cannot disagree.
import { z } from "zod";

const common = {
  /** The order subtotal the offer needs, in the shop currency's minor units. */
  minimumSubtotalMinor: z.number().int().positive().nullable().default(null),
  /** How long each recipient's code stays valid. */
  expiresInDays: z.number().int().min(1, "an offer must last at least 1 day").max(90, "an offer can last at most 90 days").nullable().default(null),
};

export const OfferSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("percentage"), percent: z.number().int("the percentage must be a whole number").min(1).max(90, "a discount above 90% is refused"), ...common }).strict(),
  z.object({ kind: z.literal("fixed-amount"), amountMinor: z.number().int().positive(), currency: z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO code such as USD"), ...common }).strict(),
  z.object({ kind: z.literal("free-shipping"), ...common }).strict(),
]);

export type Offer = z.output<typeof OfferSchema>;
export type OfferInput = z.input<typeof OfferSchema>;
