// Pieces every offline email shares: calls to action, the offer line, product
// facts, closings and sign-offs, by tone.
import type { ByTone, CtaTarget } from "./template-types";

export const CTA_LABELS: Record<CtaTarget, ByTone> = {
  cart: {
    formal: ["Return to your cart", "Complete your order", "Review your cart"],
    casual: ["Back to my cart", "Finish my order", "Take me to my cart"],
    urgency: ["Complete your order now", "Return to your cart now", "Check out now"],
  },
  product: {
    formal: ["View the product", "See the details", "Discover more"],
    casual: ["Take a look", "Show me more", "Check it out"],
    urgency: ["Get yours now", "Shop it now", "Order now"],
  },
  home: {
    formal: ["Visit the shop", "Browse the collection", "Explore the shop"],
    casual: ["Take a look", "Start browsing", "Come and see"],
    urgency: ["Shop now", "Browse now", "Visit the shop now"],
  },
  collections: {
    formal: ["Browse the collection", "Explore the range", "View the collection"],
    casual: ["See what's there", "Start browsing", "Have a look"],
    urgency: ["Shop the collection now", "Browse now", "See it now"],
  },
};

export const OFFER_LINES: ByTone = {
  formal: ["As a thank-you, here is {offer}. Your personal code is below.", "We would like to offer you {offer}. Your personal code is below."],
  casual: ["Here's {offer}, just for you. Your code is below.", "We've saved you {offer}. Your code is right below."],
  urgency: ["Use the code below for {offer}.", "Your code below gives you {offer}."],
};

export const EXPIRY_LINES: ByTone = {
  formal: ["The code is valid for {days} days."],
  casual: ["It's valid for {days} days."],
  urgency: ["It is valid for {days} days, so use it soon."],
};

export const PRICE_LINES: ByTone = {
  formal: ["{product} is available for {price}.", "{product} is priced at {price}."],
  casual: ["{product} is {price}.", "{product} comes in at {price}."],
  urgency: ["{product} is {price}.", "Get {product} for {price}."],
};

export const WAS_PRICE_LINES: ByTone = {
  formal: ["{product} is available for {price} (regular price {compare})."],
  casual: ["{product} is {price} (usually {compare})."],
  urgency: ["{product} is {price} (usually {compare})."],
};

export const FACT_LINES: ByTone = {
  formal: ["In the words of its product page: “{fact}”", "From the product description: “{fact}”"],
  casual: ["From the product page: “{fact}”", "In a nutshell: “{fact}”"],
  urgency: ["From the product page: “{fact}”"],
};

export const CLOSINGS: ByTone = {
  formal: ["If you have any questions, simply reply to this email.", "Thank you for being part of {shop}."],
  casual: ["Any questions? Just hit reply.", "Thanks for being part of {shop}."],
  urgency: ["Questions? Just reply to this email.", "Don't wait too long."],
};

export const SIGN_OFFS: ByTone = {
  formal: ["Kind regards, {sender}", "With best wishes, {sender}"],
  casual: ["Cheers, {sender}", "Talk soon, {sender}"],
  urgency: ["See you soon, {sender}", "Thanks, {sender}"],
};

/** Used when the angle's own templates are all filtered out (avoid-words, missing slots). */
export const GENERIC = {
  subjects: {
    formal: ["A note from {shop}", "News from {shop}", "From all of us at {shop}", "An update from {shop}"],
    casual: ["Hello from {shop}", "A quick note from {shop}", "Hi from {shop}", "Something from {shop}"],
    urgency: ["Don't miss this from {shop}", "Take a look today", "Worth a look today", "Today at {shop}"],
  } satisfies ByTone,
  headlines: { formal: ["A note from {shop}"], casual: ["Hello from {shop}"], urgency: ["Take a look today"] } satisfies ByTone,
  intros: {
    formal: ["We wanted to share a few things with you from {shop}."],
    casual: ["We've got a few things we think you'll like."],
    urgency: ["Here's something worth a look today."],
  } satisfies ByTone,
  previews: ["A short note from {shop}."],
};

/** Neutral lines for when avoid-words have removed everything else. */
export const LAST_RESORT = {
  subjects: ["From {shop}", "News from {shop}", "A note for you", "Hello from us", "{shop}"],
  previews: ["A short note for you.", "Hello from {shop}."],
  intros: ["Here is a short note from {shop}.", "Thank you for reading."],
};
