// Instrumentation that `python build.py bench` adds to every page it opens (as a
// Playwright init script, so it runs before the page's own scripts). It notes, in
// milliseconds since navigation start (performance.now()), the first moment each
// milestone holds, using a MutationObserver rather than polling, and offers two
// helpers the bench calls: timeSubmit() and waitServiceWorker().
// Never shipped with the site.
(() => {
  "use strict";

  const MILESTONES = {
    // The page's main heading is in the document (the guide-page counterpart of `answerable`).
    content: ".md-content h1",
    // The first statement of the quiz can be answered: its first radio exists and is enabled.
    answerable: "fieldset[data-statement] input[type='radio']:enabled",
    // quiz.js has mounted the form (before this, mounting resets any answer already clicked).
    mounted: "[data-stageguide-quiz].sg-js",
    engineReady: "[data-stageguide-quiz][data-engine='ready']",
    engineFailed: "[data-stageguide-quiz][data-engine='failed']",
    result: "[data-quiz-result]",
    // The bare baseline page (__baseline__/index.html).
    baselineReady: "html[data-baseline='ready']",
    baselineFailed: "html[data-baseline='failed']",
  };

  const marks = {};
  const workers = [];
  const barMoves = []; // when the quiz page's progress bar moved while bytes were arriving
  const bench = {
    marks,
    workers,
    barMoves,
    timeOrigin: performance.timeOrigin,
    controlled: null, // whether a service worker controlled this page at DOMContentLoaded
    timeSubmit,
    timeRequest,
    waitServiceWorker,
  };
  Object.defineProperty(window, "__stageguideBench", { value: bench });

  function check() {
    const now = performance.now();
    let pending = false;
    for (const [name, selector] of Object.entries(MILESTONES)) {
      if (name in marks) continue;
      if (document.querySelector(selector)) marks[name] = now;
      else pending = true;
    }
    if (!pending && !document.querySelector("[data-sg-bar]")) observer.disconnect();
  }

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target;
      if (record.attributeName === "value" && target.matches && target.matches("[data-sg-bar]") && target.max > 1) barMoves.push(performance.now());
    }
    check();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["class", "data-engine", "data-baseline", "disabled", "value"] });

  document.addEventListener("DOMContentLoaded", () => {
    check();
    marks.domContentLoaded = performance.now();
    bench.controlled = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
  }, { once: true });

  // Note when each worker is created (the engine's start is the interesting one).
  const NativeWorker = window.Worker;
  if (typeof NativeWorker === "function") {
    window.Worker = class extends NativeWorker {
      constructor(url, options) {
        workers.push({ url: String(url), at: performance.now() });
        super(url, options);
      }
    };
  }

  // Click the submit button and resolve with the milliseconds until a new result element is in the DOM.
  function timeSubmit(timeoutMs) {
    const slot = document.querySelector("[data-sg-result-slot]");
    const button = document.querySelector("[data-sg-submit]");
    if (!slot || !button) return Promise.reject(new Error("no quiz form on this page"));
    const before = slot.querySelector("[data-quiz-result]");
    return new Promise((resolve, reject) => {
      let started = 0;
      const timer = setTimeout(() => {
        watch.disconnect();
        reject(new Error(`no new result within ${timeoutMs} ms`));
      }, timeoutMs);
      const watch = new MutationObserver(() => {
        const current = slot.querySelector("[data-quiz-result]");
        if (current && current !== before) {
          const elapsed = performance.now() - started;
          watch.disconnect();
          clearTimeout(timer);
          resolve(elapsed);
        }
      });
      watch.observe(slot, { childList: true, subtree: true });
      started = performance.now();
      button.click();
    });
  }

  // One request to the site's engine (window.stageguide.engine), without the page's rendering.
  async function timeRequest(type, data) {
    const started = performance.now();
    await window.stageguide.engine.request(type, data);
    return performance.now() - started;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // If the page registers a service worker (the site does so once its engine is ready),
  // wait until it is active and controls the page; report what happened.
  async function waitServiceWorker(lookMs, readyMs) {
    const container = navigator.serviceWorker;
    if (!container) return { supported: false, registered: false, active: false, controlled: false };
    let registration;
    const lookUntil = performance.now() + lookMs;
    while (!(registration = await container.getRegistration()) && performance.now() < lookUntil) await sleep(50);
    if (!registration) return { supported: true, registered: false, active: false, controlled: false };
    await Promise.race([container.ready, sleep(readyMs)]);
    if (!container.controller) {
      await Promise.race([new Promise((resolve) => container.addEventListener("controllerchange", resolve, { once: true })), sleep(3000)]);
    }
    return { supported: true, registered: true, active: Boolean(registration.active), controlled: Boolean(container.controller) };
  }
})();
