// The scoring engine's home: a module worker that starts Pyodide once, installs the
// compiled stageguide wheel and answers {id, type, data} requests by calling
// stageguide.core.api.handle(type, json). Visitor input travels as JSON data only;
// it is never pasted into Python source.
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

let engine = null; // Promise of the Python `handle` function, created once per worker
let startedFrom = "cold"; // or "snapshot" (saved by an earlier visit) or "shipped" (made by the build)
let snapshotLater = null; // saves the snapshot once the visitor's first answer is on its way
let spreadsheetUrl = null; // the .xlsx reader's bundle, fetched the first time a spreadsheet arrives
let spreadsheetReady = null; // Promise, created once

async function start({ pyodide, wheel, quiz, snapshot, spreadsheet, shipped }) {
  spreadsheetUrl = spreadsheet || null;
  const [{ loadPyodide }, wheelBytes, quizData, saved] = await Promise.all([
    import(pyodide + "pyodide.mjs"),
    fetchOk(wheel).then((r) => r.arrayBuffer()),
    fetchOk(quiz).then((r) => r.json()),
    readSnapshot(snapshot).then((bytes) => bytes ?? readShipped(shipped)),
  ]);
  let py = null;
  if (saved) {
    try {
      py = await loadPyodide({ indexURL: pyodide, packages: [], _loadSnapshot: saved.memory });
      startedFrom = saved.from;
      if (saved.from === "shipped" && snapshot) keepShipped(saved.gzipped, snapshot);
    } catch {
      if (saved.from === "snapshot") await dropSnapshot(snapshot);
    }
  }
  const fresh = py === null;
  py ??= await loadPyodide({ indexURL: pyodide, packages: [], _makeSnapshot: Boolean(snapshot) });
  py.unpackArchive(wheelBytes, "wheel");
  const api = py.pyimport("stageguide.core.api");
  if (fresh && snapshot) snapshotLater = () => saveSnapshot(py, snapshot);
  const handle = (type, data) => JSON.parse(api.handle(type, JSON.stringify(data ?? {})));
  const loaded = handle("load", { quiz: quizData, source: quiz });
  if (!loaded.ok) throw new Error(loaded.error.message);
  handle.py = py;
  return handle;
}

// A spreadsheet needs openpyxl and a few more stdlib modules: one zip, unpacked beside the
// core the first time a workbook arrives, so the quiz's own start-up never pays for it.
const isSpreadsheet = (file) => Boolean(file) && (/\.xls[xm]$/i.test(String(file.name || "")) || String(file.base64 || "").startsWith("UEsDB"));

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

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return response;
}

async function readSnapshot(snapshot) {
  if (!snapshot || typeof DecompressionStream === "undefined") return null;
  try {
    const hit = await (await caches.open(snapshot.cache)).match(snapshot.key);
    if (!hit) return null;
    const bytes = await new Response(hit.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    return { from: "snapshot", memory: new Uint8Array(bytes) };
  } catch {
    return null;
  }
}

// Only where a normal start is slow: engines without JSPI (see the top of this file).
async function readShipped(shipped) {
  if (!shipped || typeof WebAssembly.Suspending === "function" || typeof DecompressionStream === "undefined") return null;
  try {
    const gzipped = await (await fetchOk(shipped)).arrayBuffer();
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
    .then((cache) => cache.put(snapshot.key, new Response(gzipped, { headers: { "Content-Type": "application/gzip" } })))
    .catch(() => {});
}

function saveSnapshot(py, snapshot) {
  if (typeof CompressionStream === "undefined") return;
  try {
    const bytes = py.makeMemorySnapshot();
    const body = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
    caches
      .open(snapshot.cache)
      .then((cache) => cache.put(snapshot.key, new Response(body, { headers: { "Content-Type": "application/gzip" } })))
      .catch(() => {});
  } catch {
    /* no snapshot this time: the next visit starts normally */
  }
}

async function dropSnapshot(snapshot) {
  try {
    await (await caches.open(snapshot.cache)).delete(snapshot.key);
  } catch {
    /* nothing to drop */
  }
}

self.addEventListener("message", async (event) => {
  const { id, type, data } = event.data ?? {};
  if (type === "init") {
    engine ??= start(data);
    try {
      await engine;
      self.postMessage({ id, type: "ready", data: { start: startedFrom } });
      // After "ready", off the start-up path; a request arriving meanwhile waits ~50 ms at most.
      if (snapshotLater) setTimeout(snapshotLater, 0);
      snapshotLater = null;
    } catch (error) {
      self.postMessage({ id, type: "failed", error: String(error?.message ?? error) });
    }
    return;
  }
  try {
    if (!engine) throw new Error("the engine was asked to work before 'init'");
    const handle = await engine;
    if (type === "team" && isSpreadsheet(data && data.file)) {
      try {
        await loadSpreadsheetReader(handle.py);
      } catch (error) {
        self.postMessage({ id, type: "error", error: { kind: "answer", message: `the spreadsheet reader could not be loaded (${error?.message ?? error}); save the sheet as CSV and choose that file instead` } });
        return;
      }
    }
    const reply = handle(type, data);
    self.postMessage(reply.ok ? { id, type: "reply", data: reply.data } : { id, type: "error", error: reply.error });
  } catch (error) {
    self.postMessage({ id, type: "error", error: { kind: "internal", message: String(error?.message ?? error) } });
  }
});
