// The demo's local stand-in for App Bridge's script (served at /demo/app-bridge.js
// in demo mode only). It does the one thing the app relies on App Bridge for,
// the way App Bridge does it: a fresh session token on every same-origin fetch,
// plus the small `window.shopify` surface the pages call (idToken, toast, loading).
//
// It also plays the bounce page (/auth/session-token?shopify-reload=…): it fetches
// a fresh token and reloads the target with it, as App Bridge does inside Shopify.
export const APP_BRIDGE_STAND_IN = String.raw`(function () {
  "use strict";
  if (window.shopify && window.shopify.__loopwiseDemo) return;
  var script = document.currentScript;
  var apiKey = (script && script.getAttribute("data-api-key")) || "";
  var params = new URLSearchParams(location.search);
  var realFetch = window.fetch.bind(window);
  var cached = null;
  var pending = null;

  function expiry(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part)).exp || 0;
    } catch (e) {
      return 0;
    }
  }

  function idToken(forceFresh) {
    var now = Date.now() / 1000;
    if (!forceFresh && cached && cached.exp - now > 10) return Promise.resolve(cached.token);
    if (!pending) {
      pending = realFetch("/demo/session-token", { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
        .then(function (res) {
          if (!res.ok) throw new Error("demo session token: HTTP " + res.status);
          return res.json();
        })
        .then(function (body) {
          cached = { token: body.token, exp: expiry(body.token) };
          return body.token;
        })
        .finally(function () {
          pending = null;
        });
    }
    return pending;
  }

  var first = params.get("id_token");
  if (first) cached = { token: first, exp: expiry(first) };

  function sameOrigin(url) {
    try {
      return new URL(url, location.href).origin === location.origin;
    } catch (e) {
      return false;
    }
  }

  function withToken(request, token) {
    var headers = new Headers(request.headers);
    headers.set("Authorization", "Bearer " + token);
    return new Request(request, { headers: headers });
  }

  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!sameOrigin(url) || new URL(url, location.href).pathname.indexOf("/demo/") === 0) return realFetch(input, init);
    var request = new Request(input, init);
    if (request.headers.has("authorization")) return realFetch(request);
    return idToken(false).then(function (token) {
      return realFetch(withToken(request.clone(), token)).then(function (res) {
        // Like App Bridge: one retry with a fresh token when the app asks for it.
        if (res.status === 401 && res.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
          return idToken(true).then(function (fresh) {
            return realFetch(withToken(request, fresh));
          });
        }
        return res;
      });
    });
  };

  var toastBox = null;
  function toastShow(message, options) {
    if (!toastBox) {
      toastBox = document.createElement("div");
      toastBox.setAttribute("role", "status");
      toastBox.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:1000;display:flex;flex-direction:column;gap:8px";
      document.body.appendChild(toastBox);
    }
    var item = document.createElement("div");
    var isError = options && options.isError;
    item.textContent = String(message);
    item.style.cssText = "padding:10px 16px;border-radius:8px;color:#fff;font:14px system-ui,sans-serif;background:" + (isError ? "#8e1f0b" : "#303030");
    toastBox.appendChild(item);
    var id = "toast-" + Date.now() + "-" + Math.random().toString(36).slice(2, 6);
    item.id = id;
    setTimeout(function () { item.remove(); }, (options && options.duration) || 5000);
    return id;
  }

  var loadingBar = null;
  function loading(on) {
    if (on === undefined) return !!(loadingBar && loadingBar.style.display !== "none");
    if (!loadingBar) {
      loadingBar = document.createElement("div");
      loadingBar.style.cssText = "position:fixed;top:0;left:0;right:0;height:3px;background:#2c6ecb;z-index:1001";
      document.body.appendChild(loadingBar);
    }
    loadingBar.style.display = on ? "block" : "none";
  }

  window.shopify = {
    __loopwiseDemo: true,
    config: { apiKey: apiKey, shop: params.get("shop") || undefined, host: params.get("host") || undefined, locale: "en" },
    environment: { embedded: false, mobile: false, pos: false },
    origin: location.origin,
    idToken: function () { return idToken(false); },
    toast: { show: toastShow, hide: function (id) { var el = document.getElementById(id); if (el) el.remove(); } },
    loading: loading,
  };

  // The bounce page: reload the target with a fresh token (same origin only).
  if (location.pathname === "/auth/session-token") {
    var reload = params.get("shopify-reload");
    var target = null;
    try {
      target = reload ? new URL(reload, location.href) : null;
    } catch (e) {
      target = null;
    }
    if (target) {
      var next = new URL(target.pathname + target.search, location.href);
      idToken(true).then(function (token) {
        next.searchParams.set("id_token", token);
        location.replace(next.pathname + next.search);
      });
    }
  }
})();
`;
