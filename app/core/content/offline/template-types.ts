// The shape of the offline generator's templates. Slots: {shop}, {product},
// {price}, {offer} ("15% off your order"), {offerShort} ("15% off"), {days}
// (the offer's validity), {sender}. A template is used only when every slot it
// names has a value, so copy never mentions a product, price or offer the
// email does not have.
import type { Tone } from "../input";

export type ByTone = Record<Tone, string[]>;

export type CtaTarget = "cart" | "product" | "home" | "collections";

export interface AngleTemplates {
  subjects: ByTone;
  previews: string[];
  headlines: ByTone;
  intros: ByTone;
  cta: CtaTarget;
}
