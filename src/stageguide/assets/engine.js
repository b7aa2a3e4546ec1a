// stageguide engine client (window.stageguide.engine): one module worker running Pyodide and the compiled
// scoring core, shared by every component (quiz, team report) for the whole visit.
// Loaded once via extra_javascript; Material's instant navigation keeps it alive, so
// leaving a page and coming back reuses the running engine instead of starting another.
// Pages that use the engine also load it async early in their form (the quiz: after its
// first statement), so Pyodide starts while the rest of the page is still loading.
// Only the worker client lives here; what components draw with is in ui.js.
(() => {
  "use strict";
  // The copy in the form carries the page's settings (its closest data-sg-settings) and
  // starts the engine at once; the theme's copy at the end of <body> has none. Whichever runs
  // first defines the client; a later copy with settings only starts it (a no-op once running),
  // so the engine starts early even when the theme's copy happens to run first.
  const holder = document.currentScript?.closest("[data-sg-settings]");
  const pageSettings = holder ? JSON.parse(holder.dataset.sgSettings) : null;
  if (window.stageguide?.engine) {
    if (pageSettings) window.stageguide.engine.start(pageSettings);
    return;
  }

  const engine = {
    worker: null,
    state: "idle", // idle | loading | ready | failed
    start: "", // how the worker came up: "cold", "snapshot" (an earlier visit's) or "shipped" (the build's)
    error: "",
    nextId: 1,
    pending: new Map(),
    listeners: new Set(),
    timer: 0,
    progress: { phase: "download", loaded: 0, total: 0 }, // what the worker last reported while loading
    readyAt: null,
    timings: {}, // when each start-up step happened, ms since navigation start (posted by the worker)
  };

  // How long the engine may go without progress before it counts as failed. Bytes
  // arriving and phase changes are progress; `timeout_ms` (the plugin's engine_timeout)
  // is the limit while downloading. Starting Python and loading the quiz are long steps
  // with nothing to count (Python's start took 14-21 s in WebKit on a slow machine, after
  // the last byte), so they get their own, generous limit: a true hang there (a worker
  // stuck inside loadPyodide) is still caught, a slow engine is not called failed.
  const START_LIMIT_MS = 90_000;

  function engineNotify() {
    for (const listener of engine.listeners) listener(engine.state, engine.error, engine.progress);
  }

  function engineFail(message) {
    if (engine.state === "failed") return;
    clearTimeout(engine.timer);
    engine.state = "failed";
    engine.error = message;
    if (engine.worker) engine.worker.terminate();
    engine.worker = null;
    for (const { reject } of engine.pending.values()) reject(new Error(message));
    engine.pending.clear();
    engineNotify();
  }

  // (Re)arm the stall timer for the current phase.
  function engineWait(settings) {
    clearTimeout(engine.timer);
    const downloading = engine.progress.phase === "download";
    const limit = downloading ? settings.timeout_ms : Math.max(START_LIMIT_MS, 3 * settings.timeout_ms);
    const what =
      { download: "no part of it arrived", start: "Python did not finish starting", quiz: "the quiz did not load" }[
        engine.progress.phase
      ] || "it did not answer";
    engine.timer = setTimeout(() => engineFail(`${what} for ${Math.round(limit / 1000)} seconds`), limit);
  }

  function engineStart(settings) {
    if (engine.state === "loading" || engine.state === "ready") return;
    const urls = Object.fromEntries(
      Object.entries(settings.urls).map(([k, v]) => [k, v ? new URL(v, location.href).href : v]),
    );
    engine.state = "loading";
    engine.error = "";
    engine.progress = { phase: "download", loaded: 0, total: 0 };
    engineNotify();
    engineWait(settings);
    let worker;
    try {
      worker = new Worker(urls.worker, { type: "module" });
    } catch (error) {
      engineFail(`this browser cannot run it (${error.message})`);
      return;
    }
    engine.worker = worker;
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      engineFail(event.message ? `its script failed (${event.message})` : "its script could not be loaded");
    });
    worker.addEventListener("messageerror", () => engineFail("it sent a message that could not be read"));
    worker.addEventListener("message", (event) => {
      const { id, type, data, error } = event.data || {};
      if (type === "progress") {
        if (engine.state !== "loading") return;
        const before = engine.progress;
        engine.progress = {
          phase: String(data.phase),
          loaded: Number(data.loaded) || 0,
          total: Number(data.total) || 0,
        };
        if (
          engine.progress.phase !== before.phase ||
          engine.progress.loaded > before.loaded ||
          engine.progress.total !== before.total
        ) {
          engineWait(settings);
        }
        engineNotify();
        return;
      }
      if (type === "ready") {
        clearTimeout(engine.timer);
        engine.start = data?.start || "cold";
        engine.timings = data?.timings || {};
        engine.readyAt = performance.now();
        engine.state = "ready";
        engineNotify();
        registerOfflineLater(settings.sw);
        return;
      }
      if (type === "failed") {
        engineFail(error);
        return;
      }
      const request = engine.pending.get(id);
      if (!request) return;
      engine.pending.delete(id);
      if (type === "reply") request.resolve(data);
      else request.reject(Object.assign(new Error(error.message), { kind: error.kind }));
    });
    // The interpreter snapshot lives in the service worker's versioned cache under a key that
    // hashes the wheel, the quiz, the runtime and the worker, so no build restores another's.
    const snapshot = settings.sw ? { cache: `stageguide-${settings.sw.version}`, key: urls.snapshot_key } : null;
    const controlled = Boolean(navigator.serviceWorker?.controller);
    const spreadsheet = urls.spreadsheet || null;
    const shipped = urls.snapshot || null;
    worker.postMessage({
      id: 0,
      kind: "init",
      data: {
        pyodide: urls.pyodide,
        wheel: urls.wheel,
        quiz: urls.quiz,
        snapshot,
        spreadsheet,
        shipped,
        sizes: settings.sizes || {},
        transfer: settings.transfer || {},
        controlled,
        origin: performance.timeOrigin,
      },
    });
  }

  // The service worker keeps the runtime for the next visit and for offline use. It is
  // registered a little after the engine is up and the page is idle, so neither its
  // downloads nor its cache writes compete with the first start or the first result.
  const OFFLINE_DELAY_MS = 2000;

  function registerOfflineLater(sw) {
    if (!sw) return;
    setTimeout(() => {
      if ("requestIdleCallback" in window) requestIdleCallback(() => registerOffline(sw), { timeout: 3000 });
      else registerOffline(sw);
    }, OFFLINE_DELAY_MS);
  }

  function registerOffline(sw) {
    if (!sw || !("serviceWorker" in navigator)) return;
    const url = new URL(sw.url, location.href);
    url.searchParams.set("manifest", sw.manifest); // the list of files it keeps, relative to the site's root
    url.searchParams.set("v", sw.version);
    navigator.serviceWorker.register(url.href).catch(() => {
      /* private modes and some embedded browsers refuse service workers: the site works without */
    });
  }

  function engineRequest(kind, data) {
    if (engine.state === "failed" || !engine.worker) {
      return Promise.reject(new Error(engine.error || "the scoring engine is not running"));
    }
    const id = engine.nextId++;
    return new Promise((resolve, reject) => {
      engine.pending.set(id, { resolve, reject });
      engine.worker.postMessage({ id, kind, data });
    });
  }

  function engineWatch(listener) {
    engine.listeners.add(listener);
    listener(engine.state, engine.error, engine.progress);
    return () => engine.listeners.delete(listener);
  }

  // The namespace the other scripts add their parts to (ui.js, chart.js); none can be replaced.
  window.stageguide ??= {};
  Object.defineProperty(window.stageguide, "engine", {
    enumerable: true,
    value: Object.freeze({
      start: engineStart,
      request: engineRequest,
      watch: engineWatch,
      state: () => engine.state,
      startedFrom: () => engine.start,
      progress: () => ({ ...engine.progress }),
      readyAt: () => engine.readyAt, // ms since navigation start when it became ready (for the bench)
      timings: () => ({ ...engine.timings }),
    }),
  });
  if (pageSettings) engineStart(pageSettings);
})();
