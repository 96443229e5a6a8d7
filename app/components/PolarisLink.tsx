// Polaris's linkComponent in demo mode (the real AppProvider brings its own):
// Polaris links go through Remix's router.
import { forwardRef, type ComponentProps } from "react";
import { Link } from "@remix-run/react";
import type { AppProviderProps } from "@shopify/polaris";

type LinkLikeProps = ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

export const PolarisLink = forwardRef<HTMLAnchorElement, LinkLikeProps>(function PolarisLink(
  { url, external, children, ...rest },
  ref,
) {
  if (external) {
    return (
      <a ref={ref} href={url} target="_blank" rel="noopener noreferrer" {...rest}>
        {children}
      </a>
    );
  }
  return (
    <Link ref={ref} to={url} {...rest}>
      {children}
    </Link>
  );
});
