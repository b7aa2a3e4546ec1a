// The scoring engine's home: a module worker that starts Pyodide once, installs the
// compiled stageguide wheel and answers {id, type, data} requests by calling
// stageguide.core.api.handle(type, json). Visitor input travels as JSON data only;
// it is never pasted into Python source.

let engine = null; // Promise of the Python `handle` function, created once per worker

async function start({ pyodide, wheel, quiz }) {
  const [{ loadPyodide }, wheelBytes, quizData] = await Promise.all([
    import(pyodide + "pyodide.mjs"),
    fetchOk(wheel).then((r) => r.arrayBuffer()),
    fetchOk(quiz).then((r) => r.json()),
  ]);
  const py = await loadPyodide({ indexURL: pyodide, packages: [] });
  py.unpackArchive(wheelBytes, "wheel");
  const api = py.pyimport("stageguide.core.api");
  const handle = (type, data) => JSON.parse(api.handle(type, JSON.stringify(data ?? {})));
  const loaded = handle("load", { quiz: quizData, source: quiz });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return handle;
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return response;
}

self.addEventListener("message", async (event) => {
  const { id, type, data } = event.data ?? {};
  if (type === "init") {
    engine ??= start(data);
    try {
      await engine;
      self.postMessage({ id, type: "ready" });
    } catch (error) {
      self.postMessage({ id, type: "failed", error: String(error?.message ?? error) });
    }
    return;
  }
  try {
    if (!engine) throw new Error("the engine was asked to work before 'init'");
    const handle = await engine;
    const reply = handle(type, data);
    self.postMessage(reply.ok ? { id, type: "reply", data: reply.data } : { id, type: "error", error: reply.error });
  } catch (error) {
    self.postMessage({ id, type: "error", error: { kind: "internal", message: String(error?.message ?? error) } });
  }
});
