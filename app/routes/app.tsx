import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json" with { type: "json" };
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";
import { demoReentry, isDemoShop } from "../demo-access.server";
import { DemoAppBridge } from "../components/DemoAppBridge";
import { PolarisLink } from "../components/PolarisLink";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  demoReentry(request, context);
  const { session } = await authenticate.admin(request);
  return { apiKey: env.SHOPIFY_API_KEY, demo: isDemoShop(session.shop) };
};

/** The admin pages. */
function AdminNav() {
  return (
    <NavMenu>
      <NavLink to="/app" rel="home" end>
        Home
      </NavLink>
      <NavLink to="/app/segments">Segments</NavLink>
      <NavLink to="/app/customers">Customers</NavLink>
      <NavLink to="/app/flows">Flows</NavLink>
      <NavLink to="/app/campaigns">Campaigns</NavLink>
      <NavLink to="/app/settings">Settings</NavLink>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  if (demo) {
    // Demo mode: Polaris without Shopify's CDN; the local stand-in plays App Bridge.
    return (
      <PolarisAppProvider i18n={polarisTranslations} linkComponent={PolarisLink}>
        <DemoAppBridge apiKey={apiKey} />
        <AdminNav />
        <Outlet />
      </PolarisAppProvider>
    );
  }
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <AdminNav />
      <Outlet />
    </AppProvider>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
