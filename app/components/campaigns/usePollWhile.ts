// Reloads the page's data every `ms` while `active` (drafts being written), one
// reload at a time: the progress bar and statuses follow the background job.
import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

export function usePollWhile(active: boolean, ms = 1500): void {
  const { revalidate, state } = useRevalidator();
  const idle = state === "idle";
  useEffect(() => {
    if (!active || !idle) return;
    const timer = setTimeout(revalidate, ms);
    return () => clearTimeout(timer);
  }, [active, idle, revalidate, ms]);
}
