// A long-lived Pyodide running the compiled scoring core, for the parity tests.
//
// Usage: node engine_server.mjs <pyodide dir> <compiled wheel>
// Prints one ready line, then answers JSON lines on stdin, one reply line each:
//   {"id", "kind", "payload"}               -> {"id", "reply": "<JSON text from api.handle>"}
//   {"id", "kind": "__batch__", "payload": [{"kind", "payload"}, ...]}
//                                           -> {"id", "replies": ["<JSON text>", ...]}
//   {"id", "kind": "__introspect__"}        -> {"id", "reply": "<JSON text>"} (how each module was loaded)
//   a line that cannot be handled           -> {"id", "error": "<message>"}
// Payloads reach Python as a JSON string argument of api.handle, exactly as in the
// browser worker: never pasted into Python source. A batch answers many requests in one
// line each way, so neither side blocks on a full pipe while the other is still writing.
import fs from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

// Constant source; it reads the interpreter's own state and takes no input.
const INTROSPECT = String.raw`
def _stageguide_introspect():
    import importlib.util, json, sys
    modules = {}
    for name, module in sorted(sys.modules.items()):
        if name == "stageguide" or name.startswith("stageguide."):
            spec = getattr(module, "__spec__", None)
            modules[name] = {
                "file": getattr(module, "__file__", None),
                "cached": getattr(module, "__cached__", None),
                "loader": type(spec.loader).__name__ if spec and spec.loader else None,
            }
    return json.dumps({
        "version": sys.version,
        "version_info": list(sys.version_info[:3]),
        "magic": importlib.util.MAGIC_NUMBER.hex(),
        "modules": modules,
    })
`;

function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main() {
  const [pyodideDir, wheelPath] = process.argv.slice(2);
  if (!pyodideDir || !wheelPath) throw new Error("usage: node engine_server.mjs <pyodide dir> <wheel>");
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
  const toStderr = (line) => process.stderr.write(`${line}\n`);
  const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: toStderr, stderr: toStderr });
  const wheel = await fs.readFile(wheelPath);
  // Into site-packages, where an installed wheel lives (the default is the working folder).
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.unpackArchive(new Uint8Array(wheel.buffer, wheel.byteOffset, wheel.byteLength), "wheel", {
    extractDir: sitePackages,
  });
  const api = pyodide.pyimport("stageguide.core.api");
  const handle = api.handle;
  // Import every module of the package, so introspection covers all that ships.
  for (const name of [
    "stageguide",
    "stageguide.core",
    "stageguide.core.errors",
    "stageguide.core.spec",
    "stageguide.core.model",
    "stageguide.core.scoring",
    "stageguide.core.sharecode",
  ]) {
    pyodide.pyimport(name).destroy();
  }
  pyodide.runPython(INTROSPECT);
  const introspect = pyodide.globals.get("_stageguide_introspect");
  const call = (kind, payload) => handle(String(kind), JSON.stringify(payload ?? {}));

  reply({ ready: true, pyodide: pyodide.version, python: pyodide.runPython("import sys; sys.version") });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let id = null;
    try {
      const request = JSON.parse(line);
      id = request.id ?? null;
      if (request.kind === "__introspect__") reply({ id, reply: introspect() });
      else if (request.kind === "__batch__")
        reply({ id, replies: request.payload.map((r) => call(r.kind, r.payload)) });
      else reply({ id, reply: call(request.kind, request.payload) });
    } catch (error) {
      reply({ id, error: String(error?.stack ? error.stack : error) });
    }
  }
  introspect.destroy();
  handle.destroy();
  api.destroy();
}

main().catch((error) => {
  process.stderr.write(`engine_server.mjs: ${error?.stack ? error.stack : error}\n`);
  process.exit(1);
});
