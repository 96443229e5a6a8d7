// Liveness for load balancers; does no work (also the baseline route of `npm run bench`).
export const loader = () => new Response("ok", { headers: { "content-type": "text/plain", "cache-control": "no-store" } });
export const action = loader;
