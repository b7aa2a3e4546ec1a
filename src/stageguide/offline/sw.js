// stageguide service worker: keeps the quiz working offline and repeat visits fast.
//
// Registered by the quiz page only (guide pages never trigger the runtime download),
// as `stageguide-sw.js?manifest=<path of offline.json>&v=<version>` at the site root.
// The version is a hash of what it precaches, so a new build changes the script URL,
// a new worker installs its own cache, and the old cache is deleted when it activates.
//   - Pinned files (the Pyodide runtime, the compiled wheel, the quiz data, our
//     scripts and styles): cache first, from the list in offline.json. Their URLs
//     carry a hash of their content (plugin/buildnames.py), so a new build's page asks
//     for new URLs and this worker, even an old one, can never answer them with an
//     old build's file.
//   - Pages and everything else on the site: network first, the cached copy when offline.

const PARAMS = new URL(self.location.href).searchParams;
const VERSION = PARAMS.get("v") || "unversioned";
const PREFIX = "stageguide-";
const CACHE = `${PREFIX}${VERSION}`;
const SCOPE = new URL(self.registration.scope);
// The list of files to keep (offline.json), named by the page that registers this worker
// (its settings come from the plugin) relative to the site root. Only a file of this site.
const MANIFEST = manifestUrl(PARAMS.get("manifest"));

function manifestUrl(path) {
  const url = path ? new URL(path, SCOPE) : null;
  if (!url || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) {
    throw new Error(
      `offline manifest: ${path ? `${path} is not a file of this site` : "no manifest= in the worker's URL"}`,
    );
  }
  return url;
}

let precached = null; // Promise<Set<string>> of absolute URLs served cache-first

function precacheList() {
  precached ??= caches
    .match(MANIFEST, { cacheName: CACHE })
    .then((response) => (response ? response.json() : { pinned: [] }))
    .then((manifest) => new Set(manifest.pinned.map((path) => new URL(path, SCOPE).href)));
  return precached;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch(MANIFEST, { cache: "no-cache" });
      if (!response.ok) throw new Error(`offline manifest: ${response.status}`);
      const manifest = await response.clone().json();
      await cache.addAll(manifest.precache.map((path) => new Request(new URL(path, SCOPE), { cache: "no-cache" })));
      await cache.put(MANIFEST, response);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  event.respondWith(respond(request));
});

async function respond(request) {
  const key = request.url.split("#")[0];
  const lookup = () => caches.match(key, { cacheName: CACHE, ignoreSearch: true });
  if ((await precacheList()).has(key)) {
    const hit = await lookup();
    if (hit) return hit;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") remember(key, response.clone());
    return response;
  } catch (error) {
    const hit = await lookup();
    if (hit) return hit;
    throw error;
  }
}

// Only into a cache that still exists: a worker being replaced must not bring back
// the cache its successor just deleted (caches.open would create it again).
async function remember(key, response) {
  if (await caches.has(CACHE)) await (await caches.open(CACHE)).put(key, response);
}
