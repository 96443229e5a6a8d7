// "Export orders (CSV)": fetches the export (App Bridge adds the session token
// to same-origin fetches; a plain link would not carry it) and saves it under
// the name the server gives in Content-Disposition.
import { useState } from "react";
import { Button, InlineStack, Text } from "@shopify/polaris";

export function DownloadCsvButton({ href, label = "Export orders (CSV)" }: { href: string; label?: string }) {
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  async function download() {
    setState("loading");
    try {
      const res = await fetch(href, { headers: { accept: "text/csv" } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "attributed-orders.csv";
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState("idle");
    } catch {
      setState("error");
    }
  }
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button onClick={download} loading={state === "loading"} accessibilityLabel={label}>
        {label}
      </Button>
      {state === "error" ? (
        <Text as="span" tone="critical">
          <span data-export-error="">The export failed. Try again.</span>
        </Text>
      ) : null}
    </InlineStack>
  );
}
