// Offline reading of the know-your-rights library only (scope /rights/). Cached: GET requests for the
// library's pages, its card files and static files, with no query string but `lang`. Never cached: anything
// outside /rights/ or /static/ (the report form, receipts, status, sign-up), or with any other parameter.
const CACHE = "vigil-rights-{{ version }}";
const PAGES = /^\/rights\/(?:[a-z0-9-]+\/|card\/[0-9a-f]{64}\/[a-z0-9-]+\.pdf)?$/;
const STATIC = /^\/static\/(?:vigil\/site\.css|vigil\/favicon\.(?:svg|ico)|rights\/offline\.js)$/;

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  for (const key of url.searchParams.keys()) if (key !== "lang") return false;
  if (url.pathname === "/rights/sw.js") return false;
  return PAGES.test(url.pathname) || STATIC.test(url.pathname);
}

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))));
});

self.addEventListener("fetch", (event) => {
  if (!cacheable(event.request)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request).then((hit) => hit || Response.error()))
  );
});
