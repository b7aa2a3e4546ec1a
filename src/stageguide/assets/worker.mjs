// The scoring engine's home: a module worker that starts Pyodide once, installs the
// compiled stageguide wheel and answers {id, kind, data} requests by calling
// stageguide.core.api.handle(kind, json). Visitor input travels as JSON data only;
// it is never pasted into Python source.
//
// Start-up, as the page sees it: {type: "progress", data: {phase, loaded, total}}
// messages, phase "download" (bytes arriving), "start" (Python starting, no bytes
// to count) and "quiz" (the core imported, the quiz loading), then "ready" or
// "failed". The page times out only when these stop coming (engine.js).
//
// Fewer bytes: the build ships pyodide.asm.wasm gzipped as well (9.6 -> 3.4 MB). This
// worker fetches the wasm itself, unpacks the .gz with DecompressionStream and hands
// Pyodide the result as a streaming `application/wasm` Response when Pyodide 314
// fetches `<indexURL>pyodide.asm.wasm` (its only way in: getInstantiateWasmFunc calls the
// global fetch). Fetching it ourselves also lets a blocked, missing or mislabelled wasm
// fail at once: Pyodide itself only logs "wasm instantiation failed" and never rejects.
//
// Repeat visits: after a cold start the worker saves a memory snapshot of the
// interpreter (core imported) in the site's versioned cache; the next visit restores
// it instead of initialising Python again. Pyodide marks snapshots experimental, so
// any failure to read or restore one falls back to a normal start and drops it.
//
// First visits in engines without JSPI (WebAssembly.Suspending; today WebKit, where
// Python's own start-up is several times slower) restore a snapshot the build made
// instead (`shipped`, gzipped, named by the hashes it depends on) and keep it as this
// visit's snapshot. Other engines never fetch it: their normal start is quicker than
// its download. Any failure falls back to a normal start.

const WASM = "pyodide.asm.wasm";
const GZ = `${WASM}.gz`;
const REPORT_EVERY_MS = 100; // progress messages at most this often (the bar needs no more)
const SNAPSHOT_IDLE_MS = 2000; // the snapshot waits until the visitor's first requests are answered
const WARM_AGAIN = 8; // warm-up requests after the first, in the idle time after "ready" (warmUp)
const WARM_EVERY_MS = 150;

let handleReady = null; // Promise of the Python `handle` function, created once per worker
let startedFrom = "cold"; // or "snapshot" (saved by an earlier visit) or "shipped" (made by the build)
let snapshotLater = null; // saves the snapshot once the worker has been idle a while
let snapshotTimer = 0;
let spreadsheetUrl = null; // the .xlsx reader's bundle, fetched the first time a spreadsheet arrives
let spreadsheetReady = null; // Promise, created once

// When each start-up step happened, in ms since the page's navigation start (the worker's
// clock has its own origin), posted with "ready" for the bench and for anyone profiling.
const timings = {};
const mark = (name) => {
  timings[name] ??= Math.round(performance.timeOrigin + performance.now() - pageOrigin);
};
let pageOrigin = performance.timeOrigin;

// ------------------------------------------------------------------ progress
const progress = { phase: "download", loaded: 0, total: 0, files: new Map(), waiting: 0, sentAt: 0, timer: 0 };

// `size`: the file's bytes as scripts read them; `weight`: what it costs on the wire
// (smaller for text the host gzips), which is what the page's figures add up.
function expect(name, size, weight = size) {
  progress.files.set(name, { size, weight, read: 0, loaded: 0, done: false });
  progress.total += weight;
}

function received(name, bytes) {
  const file = progress.files.get(name);
  if (!file || file.done) return;
  file.read = Math.min(file.size, file.read + Math.max(0, bytes));
  const loaded = Math.round((file.read / file.size) * file.weight);
  progress.loaded += loaded - file.loaded;
  file.loaded = loaded;
  report();
}

function finished(name) {
  const file = progress.files.get(name);
  if (!file || file.done) return;
  mark(`${name} done`);
  received(name, file.size);
  file.done = true;
  if (progress.phase === "download" && !progress.waiting && [...progress.files.values()].every((f) => f.done))
    setPhase("start");
  else report();
}

function setPhase(phase) {
  progress.phase = phase;
  mark(`phase ${phase}`);
  report(true);
}

function report(now = false) {
  const send = () => {
    progress.timer = 0;
    progress.sentAt = performance.now();
    const { phase, loaded, total } = progress;
    self.postMessage({ id: 0, type: "progress", data: { phase, loaded, total } });
  };
  if (now || performance.now() - progress.sentAt >= REPORT_EVERY_MS) {
    clearTimeout(progress.timer);
    send();
  } else if (!progress.timer) {
    progress.timer = setTimeout(send, REPORT_EVERY_MS);
  }
}

// Count a response's body as it arrives, without touching what the caller reads.
function countBody(name, response) {
  if (!response.ok || !response.body || !progress.files.has(name)) return;
  const reader = response.clone().body.getReader();
  const pump = () =>
    reader.read().then(({ done, value }) => {
      if (done) return finished(name);
      received(name, value.byteLength);
      return pump();
    });
  pump().catch(() => {});
}

// -------------------------------------------------------------------- start
async function start({ pyodide, wheel, quiz, snapshot, spreadsheet, shipped, sizes, transfer, controlled, origin }) {
  if (origin) pageOrigin = origin;
  keptIn = controlled && snapshot ? snapshot.cache : null;
  spreadsheetUrl = spreadsheet || null;
  sizes ??= {};
  transfer ??= {};
  mark("init");
  setPhase("download");
  for (const name of ["pyodide.mjs", "pyodide.asm.mjs", "python_stdlib.zip", "pyodide-lock.json", "wheel", "quiz"]) {
    if (sizes[name]) expect(name, sizes[name], transfer[name] || sizes[name]);
  }
  // The wasm is counted at the size of the .gz (the usual choice) until the HEAD says which
  // file travels, so the total the visitor sees does not jump once that is known.
  const guess = (typeof DecompressionStream !== "undefined" && sizes[GZ]) || sizes[WASM] || 0;
  progress.total += guess;
  progress.waiting += 1;
  report(true);
  installFetch(pyodide);
  // Everything but the wasm starts now, so the network is busy while the host is asked
  // whether it compresses wasm (one round trip that would otherwise be dead time).
  const early = [
    imported(`${pyodide}pyodide.mjs`, "pyodide.mjs"),
    imported(`${pyodide}pyodide.asm.mjs`, "pyodide.asm.mjs"),
    fetchOk(wheel, "wheel").then((r) => r.arrayBuffer()),
    fetchOk(quiz, "quiz").then((r) => r.json()),
    readSnapshot(snapshot).then((bytes) => bytes ?? readShipped(shipped)),
  ];
  // Awaited below, where a failure is reported once; until then none may go unhandled.
  for (const step of early) step.catch(() => {});
  const plan = await planWasm(pyodide, sizes, controlled);
  progress.total -= guess;
  progress.waiting -= 1;
  if (sizes[plan.name]) expect(plan.name, sizes[plan.name], transfer[plan.name] || sizes[plan.name]);
  report(true);
  const wasm = openWasm(pyodide + plan.name, plan);
  wasmHandoff = { url: pyodide + WASM, response: wasm.response };
  const [{ loadPyodide }, asm, wheelBytes, quizData, saved] = await Promise.all([
    ...early,
    wasm.response, // a blocked, missing or mislabelled wasm fails here, long before any timeout
  ]);
  mark("fetched");
  // Pyodide never rejects when the wasm fails mid-way; `wasm.failed` does.
  const boot = (options) =>
    Promise.race([
      loadPyodide({ indexURL: pyodide, packages: [], createPyodideModule: asm.default, ...options }),
      wasm.failed,
    ]);
  let py = null;
  if (saved) {
    try {
      py = await boot({ _loadSnapshot: saved.memory });
      startedFrom = saved.from;
      if (saved.from === "shipped" && snapshot) keepShipped(saved.gzipped, snapshot);
    } catch {
      if (saved.from === "snapshot") await dropSnapshot(snapshot);
    }
  }
  const fresh = py === null; // after a damaged snapshot Pyodide fetches the plain wasm itself (rare)
  py ??= await boot({ _makeSnapshot: Boolean(snapshot) });
  mark("python started");
  setPhase("quiz");
  py.unpackArchive(wheelBytes, "wheel");
  const api = py.pyimport("stageguide.core.api");
  if (fresh && snapshot) snapshotLater = () => saveSnapshot(py, snapshot);
  const handle = (kind, data) => JSON.parse(api.handle(kind, JSON.stringify(data ?? {})));
  mark("core imported");
  const loaded = handle("load", { quiz: quizData, source: quiz });
  mark("quiz loaded");
  if (!loaded.ok) throw new Error(loaded.error.message);
  handle.py = py;
  handle.quiz = loaded.data.id;
  return handle;
}

// A spreadsheet needs openpyxl and a few more stdlib modules: one zip, unpacked beside the
// core the first time a workbook arrives, so the quiz's own start-up never pays for it.
const isSpreadsheet = (file) =>
  Boolean(file) && (/\.xls[xm]$/i.test(String(file.name || "")) || String(file.base64 || "").startsWith("UEsDB"));

function loadSpreadsheetReader(py) {
  spreadsheetReady ??= (async () => {
    if (!spreadsheetUrl) throw new Error("this site was built without the spreadsheet reader");
    const bytes = await (await fetchOk(spreadsheetUrl)).arrayBuffer();
    py.unpackArchive(bytes, "zip");
    const module = py.pyimport("stageguide.spreadsheet");
    module.install();
    module.destroy();
  })().catch((error) => {
    spreadsheetReady = null; // a later drop may try again (the network may be back)
    throw error;
  });
  return spreadsheetReady;
}

async function imported(url, name) {
  const module = await import(url);
  finished(name);
  return module;
}

async function fetchOk(url, name) {
  const response = (await fromCache(url)) || (await fetch(url));
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  if (name) countBody(name, response);
  return response;
}

// ---------------------------------------------------------------- the wasm
// Which wasm to fetch: the precompressed one, unless this browser cannot unpack it or the
// host compresses wasm itself (then the plain file travels compressed anyway, brotli
// even smaller than our gzip). A service worker already holds the .gz, so no question then.
async function planWasm(base, sizes, controlled) {
  const plain = { name: WASM, gzip: false };
  if (!sizes[GZ] || typeof DecompressionStream === "undefined") return plain;
  const packed = { name: GZ, gzip: true };
  if (controlled) return packed;
  try {
    const head = await fetch(base + WASM, { method: "HEAD" });
    const encoding = (head.headers.get("Content-Encoding") || "").trim().toLowerCase();
    return head.ok && encoding && encoding !== "identity" ? plain : packed;
  } catch {
    return packed;
  }
}

// On a repeat visit the service worker holds the runtime in its cache; the worker reads
// the files it fetches itself straight from there, so they never wait for the service
// worker to start and answer (it is busy serving the page at that moment).
let keptIn = null; // the name of that cache, when a service worker controls the page

async function fromCache(url) {
  if (!keptIn || typeof caches === "undefined") return null;
  try {
    return (await caches.match(url, { cacheName: keptIn })) || null;
  } catch {
    return null;
  }
}

let wasmHandoff = null; // {url, response}: what Pyodide gets when it fetches the wasm
let nativeFetch = null;

function installFetch(base) {
  if (nativeFetch) return;
  nativeFetch = self.fetch.bind(self);
  const names = new Map([
    ["python_stdlib.zip", "python_stdlib.zip"],
    ["pyodide-lock.json", "pyodide-lock.json"],
  ]);
  self.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (wasmHandoff && url === wasmHandoff.url) {
      mark("wasm asked");
      const { response } = wasmHandoff;
      wasmHandoff = null; // once: a second start (after a damaged snapshot) needs a new stream
      return response;
    }
    const name = url.startsWith(base) ? names.get(url.slice(base.length).split("?")[0]) : undefined;
    const pending = name ? fromCache(url).then((hit) => hit || nativeFetch(input, init)) : nativeFetch(input, init);
    if (name)
      pending.then(
        (response) => countBody(name, response),
        () => {},
      );
    return pending;
  };
}

// Fetch the wasm (plain or .gz), check its first bytes, unpack and count it.
// Returns {response: Promise<Response> for Pyodide, failed: Promise that only ever rejects}.
function openWasm(url, plan) {
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  failed.catch(() => {});
  watchInstantiation((message) =>
    fail(new Error(`pyodide.asm.wasm is not a WebAssembly module this browser can run (${message})`)),
  );
  const name = url.slice(url.lastIndexOf("/") + 1);
  const response = (async () => {
    let source;
    try {
      mark("wasm requested");
      source = (await fromCache(url)) || (await nativeFetch(url));
      mark("wasm headers");
    } catch (error) {
      throw new Error(`${name} could not be downloaded (${error.message || error})`);
    }
    if (!source.ok) throw new Error(`${name} answered ${source.status} ${source.statusText}`.trim());
    const type = (source.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    if (!plan.gzip && type !== "application/wasm") {
      throw new Error(`${name} was sent as ${type || "no content type"}, not application/wasm`);
    }
    const reader = source.body.getReader();
    let head = new Uint8Array(0);
    while (head.length < 4) {
      const { done, value } = await reader.read();
      if (done) break;
      received(plan.name, value.byteLength);
      head = concat(head, value);
    }
    const isWasm = head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
    const isGzip = head[0] === 0x1f && head[1] === 0x8b;
    if (!isWasm && !(plan.gzip && isGzip)) {
      reader.cancel().catch(() => {});
      throw new Error(
        `${name} is not ${plan.gzip ? "a gzipped " : ""}WebAssembly module (the server sent ${type || "no content type"})`,
      );
    }
    const counted = new ReadableStream(
      {
        start(controller) {
          controller.enqueue(head);
        },
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            finished(plan.name);
          } else {
            received(plan.name, value.byteLength);
            controller.enqueue(value);
          }
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 * 1024 }),
    );
    // ^ Read (and count) at network speed even before Pyodide starts consuming: with the
    // default queue of one chunk the download would wait for Pyodide's own imports.
    // A host may already have undone the gzip (Content-Encoding on the .gz): then it is plain wasm.
    const body = isGzip ? counted.pipeThrough(new DecompressionStream("gzip")) : counted;
    let checked = new Uint8Array(0);
    const check = new TransformStream({
      transform(chunk, controller) {
        mark("wasm compiling");
        if (checked.length < 4) {
          checked = concat(checked, chunk.subarray(0, 4));
          if (
            checked.length >= 4 &&
            !(checked[0] === 0 && checked[1] === 0x61 && checked[2] === 0x73 && checked[3] === 0x6d)
          ) {
            throw new Error("its unpacked bytes are not WebAssembly");
          }
        }
        controller.enqueue(chunk);
      },
      flush() {
        mark("wasm consumed");
      },
    });
    body
      .pipeTo(check.writable)
      .catch((error) => fail(new Error(`${name} broke off or is damaged (${error.message || error})`)));
    return new Response(check.readable, { headers: { "Content-Type": "application/wasm" } });
  })();
  response.catch(fail);
  return { response, failed };
}

// Pyodide 314 reports a wasm that downloads but will not instantiate only with
// console.warn("wasm instantiation failed!") and then the error, and never settles
// loadPyodide. Listen for exactly that pair so such a runtime fails at once.
function watchInstantiation(onFailure) {
  const warn = console.warn.bind(console);
  let failing = false;
  console.warn = (...args) => {
    warn(...args);
    if (typeof args[0] === "string" && args[0].startsWith("wasm instantiation failed")) {
      failing = true;
      setTimeout(() => onFailure("instantiation failed"), 0);
    } else if (failing) {
      failing = false;
      onFailure(String(args[0]?.message ?? args[0]));
    }
  };
}

function concat(a, b) {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

// ---------------------------------------------------------------- snapshot
async function readSnapshot(snapshot) {
  if (!snapshot) return null;
  try {
    const hit = await (await caches.open(snapshot.cache)).match(snapshot.key);
    if (!hit) return null;
    // Kept as it is (see saveSnapshot), except the build's gzipped one a WebKit visit keeps.
    if (hit.headers.get("Content-Type") !== "application/gzip")
      return { from: "snapshot", memory: new Uint8Array(await hit.arrayBuffer()) };
    if (typeof DecompressionStream === "undefined") return null;
    const bytes = await new Response(hit.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    return { from: "snapshot", memory: new Uint8Array(bytes) };
  } catch {
    return null;
  }
}

// Only where a normal start is slow: engines without JSPI (see the top of this file).
// Its bytes count on the progress bar like the runtime's (its size comes with the response).
async function readShipped(shipped) {
  if (!shipped || typeof WebAssembly.Suspending === "function" || typeof DecompressionStream === "undefined")
    return null;
  try {
    const response = await fetchOk(shipped);
    const size = Number(response.headers.get("Content-Length")) || 0;
    if (size && !response.headers.get("Content-Encoding")) {
      expect("shipped", size);
      countBody("shipped", response);
    }
    const gzipped = await response.arrayBuffer();
    const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream("gzip"));
    return { from: "shipped", memory: new Uint8Array(await new Response(stream).arrayBuffer()), gzipped };
  } catch {
    return null;
  }
}

// The build's snapshot becomes this visit's saved one, so the next visit (and offline use) needs no download.
function keepShipped(gzipped, snapshot) {
  caches
    .open(snapshot.cache)
    .then((cache) =>
      cache.put(snapshot.key, new Response(gzipped, { headers: { "Content-Type": "application/gzip" } })),
    )
    .catch(() => {});
}

// Stored as it is, about 31 MB: unpacking a gzipped copy took 0.3 s with DecompressionStream
// (Node and Chromium alike), a third of a whole warm visit, while reading 31 MB from the
// cache is quick. The disk it takes is the site's own cache, deleted with the next build's.
function saveSnapshot(py, snapshot) {
  try {
    const bytes = py.makeMemorySnapshot();
    caches
      .open(snapshot.cache)
      .then((cache) =>
        cache.put(snapshot.key, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } })),
      )
      .catch(() => {});
  } catch {
    /* no snapshot this time: the next visit starts normally */
  }
}

// Making the snapshot copies ~30 MB; do it once requests have stopped for a
// moment, so it never delays the result a share link or a quick submit is waiting for.
function scheduleSnapshot() {
  if (!snapshotLater) return;
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(() => {
    const save = snapshotLater;
    snapshotLater = null;
    if (save) save();
  }, SNAPSHOT_IDLE_MS);
}

async function dropSnapshot(snapshot) {
  try {
    await (await caches.open(snapshot.cache)).delete(snapshot.key);
  } catch {
    /* nothing to drop */
  }
}

// Right after "ready", before any request the page sent meanwhile (they wait on the same
// promise, behind this handler): the first submit or share link then finds its code already
// compiled instead of paying for it (api.py, _warm). Nothing the visitor sees depends on it.
//
// Then a few more, spaced out. V8 starts every WebAssembly function in its baseline
// compiler and recompiles the hot ones in the background once they have run enough; a cold
// start runs enough Python to get the interpreter's own loop there, but a start from the
// snapshot skips that, so its first requests ran on baseline code and each recompile landed
// in one: 10-20 ms where 2 ms will do (Chromium 156; gone with dynamic tiering switched off).
// Warm-ups back to back did not help, as the recompiles had not finished; spaced over a
// second or so, between the page's own requests, they did.
function warmUp(handle, left = WARM_AGAIN) {
  try {
    handle("warm", { quiz: handle.quiz });
  } catch {
    return; /* the first real request pays instead */
  }
  if (left > 0) setTimeout(() => warmUp(handle, left - 1), WARM_EVERY_MS);
}

// The script itself has arrived: that is progress too (the page is waiting for a first word).
self.postMessage({ id: 0, type: "progress", data: { phase: "download", loaded: 0, total: 0 } });

self.addEventListener("message", async (event) => {
  const { id, kind, data } = event.data ?? {};
  if (kind === "init") {
    handleReady ??= start(data);
    try {
      const handle = await handleReady;
      self.postMessage({ id, type: "ready", data: { start: startedFrom, timings } });
      warmUp(handle);
      scheduleSnapshot();
    } catch (error) {
      self.postMessage({ id, type: "failed", error: String(error?.message ?? error) });
    }
    return;
  }
  try {
    if (!handleReady) throw new Error("the engine was asked to work before 'init'");
    const handle = await handleReady;
    if (kind === "team" && isSpreadsheet(data?.file)) {
      try {
        await loadSpreadsheetReader(handle.py);
      } catch (error) {
        self.postMessage({
          id,
          type: "error",
          error: {
            kind: "answer",
            message: `the spreadsheet reader could not be loaded (${error?.message ?? error}); save the sheet as CSV and choose that file instead`,
          },
        });
        return;
      }
    }
    const reply = handle(kind, data);
    self.postMessage(reply.ok ? { id, type: "reply", data: reply.data } : { id, type: "error", error: reply.error });
  } catch (error) {
    self.postMessage({ id, type: "error", error: { kind: "internal", message: String(error?.message ?? error) } });
  }
  scheduleSnapshot();
});
