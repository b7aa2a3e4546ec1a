// The bench's reference worker: the same steps as the site's worker.mjs minus the
// quiz (load the runtime and the wheel in parallel, start Pyodide with no packages,
// unpack the wheel, import the scoring core's entry module), then post "ready".

self.addEventListener("message", async (event) => {
  const { id, kind, data } = event.data ?? {};
  if (kind !== "init") {
    self.postMessage({ id, type: "failed", error: `unknown request ${kind}` });
    return;
  }
  try {
    const started = performance.now();
    const [{ loadPyodide }, wheelBytes] = await Promise.all([
      import(data.pyodide + "pyodide.mjs"),
      fetch(data.wheel).then((response) => {
        if (!response.ok) throw new Error(`${data.wheel} answered ${response.status}`);
        return response.arrayBuffer();
      }),
    ]);
    const fetched = performance.now();
    const py = await loadPyodide({ indexURL: data.pyodide, packages: [] });
    const loaded = performance.now();
    py.unpackArchive(wheelBytes, "wheel");
    py.pyimport("stageguide.core.api");
    const imported = performance.now();
    // Where the time went, in ms (durations, since a worker's clock starts at its own origin).
    const phases = {
      pyodide_mjs_and_wheel_ms: fetched - started,
      load_pyodide_ms: loaded - fetched,
      wheel_and_import_ms: imported - loaded,
    };
    self.postMessage({ id, type: "ready", data: { phases } });
  } catch (error) {
    self.postMessage({ id, type: "failed", error: String(error?.message ?? error) });
  }
});
