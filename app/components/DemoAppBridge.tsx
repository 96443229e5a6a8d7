// Demo mode only: the local stand-in for App Bridge's script, and the nav menu
// drawn in the page (inside Shopify, the admin draws ui-nav-menu in its sidebar).
const DEMO_CSS = `
ui-nav-menu { display: flex; gap: 4px; align-items: center; padding: 8px 16px; background: #1a1a1a; font: 500 14px/20px system-ui, -apple-system, sans-serif; }
ui-nav-menu::before { content: "Loopwise demo"; color: #b5b5b5; margin-right: 16px; }
ui-nav-menu a { color: #fff; text-decoration: none; padding: 4px 10px; border-radius: 6px; }
ui-nav-menu a:hover, ui-nav-menu a[aria-current="page"] { background: #303030; }
`;

export function DemoAppBridge({ apiKey }: { apiKey: string }) {
  return (
    <>
      <script src="/demo/app-bridge.js" data-api-key={apiKey} />
      <style dangerouslySetInnerHTML={{ __html: DEMO_CSS }} />
    </>
  );
}
