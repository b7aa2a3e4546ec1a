// Byte-compile the scoring core inside the pinned Pyodide, then import it back from .pyc alone.
//
// Why here and not on the host: a .pyc is only valid for the interpreter that wrote it
// (magic number, bytecode), and the host Python is not the browser's Python. Running
// py_compile inside Pyodide gives bytecode that Pyodide will accept, and importing every
// module from the sourceless result proves it before anything ships.
//
// Usage: node compile_wheel.mjs <pyodide dir>   (job JSON on stdin)
//   stdin:  {"files": {"stageguide/core/model.py": "<base64 of the source bytes>", ...}}
//   stdout: one JSON object, {"ok": true, "python": ..., "tag": "cp314", "magic": ...,
//           "files": {"stageguide/core/model.pyc": "<base64>"}, "modules": [...]}
//           or {"ok": false, "stage": "compile"|"import", "file", "line", "message"}
// Python's own output goes to stderr so stdout holds only the reply.
import path from "node:path";
import { pathToFileURL } from "node:url";

// Constant source: the job travels as a function argument, never pasted into this text.
const PYTHON = String.raw`
import base64, importlib, importlib.machinery, importlib.util, json, os, py_compile, shutil, sys, traceback

def _module_name(rel):
    parts = rel[: -len(".py")].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

def _failure(stage, rel, line, message, text=None):
    return json.dumps({"ok": False, "stage": stage, "file": rel, "line": line, "message": message, "text": text})

def compile_job(job_text):
    files = json.loads(job_text)["files"]
    src_root, out_root = "/tmp/stageguide-src", "/tmp/stageguide-pyc"
    for folder in (src_root, out_root):
        shutil.rmtree(folder, ignore_errors=True)
    compiled = {}
    for rel in sorted(files):
        src = os.path.join(src_root, rel)
        os.makedirs(os.path.dirname(src), exist_ok=True)
        with open(src, "wb") as handle:
            handle.write(base64.b64decode(files[rel]))
        target = rel + "c"
        try:
            # Unchecked-hash pyc: deterministic (no mtime inside) and never checked against a source.
            py_compile.compile(src, cfile=os.path.join(out_root, target), dfile=rel, doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        except py_compile.PyCompileError as error:
            exc = error.exc_value
            line = getattr(exc, "lineno", None)
            detail = getattr(exc, "msg", None) or str(exc)
            text = (getattr(exc, "text", None) or "").rstrip() or None
            return _failure("compile", rel, line, f"{error.exc_type_name}: {detail}", text)
        compiled[target] = os.path.join(out_root, target)
    sys.path.insert(0, out_root)
    importlib.invalidate_caches()
    modules = [(rel, _module_name(rel)) for rel in sorted(files)]
    for rel, name in modules:
        try:
            module = importlib.import_module(name)
        except BaseException as error:
            frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in files]
            where = frames[-1] if frames else None
            line = getattr(error, "lineno", None) if where is None else where.lineno
            return _failure("import", where.filename if where else rel, line, f"{type(error).__name__}: {error}")
        loader = type(module.__spec__.loader)
        if loader is not importlib.machinery.SourcelessFileLoader or not module.__file__.endswith(".pyc"):
            return _failure("import", rel, None, f"{name} was loaded by {loader.__name__} from {module.__file__}, not from its .pyc")
    encoded = {}
    for target, full in compiled.items():
        with open(full, "rb") as handle:
            encoded[target] = base64.b64encode(handle.read()).decode("ascii")
    return json.dumps({
        "ok": True,
        "python": sys.version.split()[0],
        "tag": f"cp{sys.version_info.major}{sys.version_info.minor}",
        "cache_tag": sys.implementation.cache_tag,
        "magic": importlib.util.MAGIC_NUMBER.hex(),
        "files": encoded,
        "modules": [name for _, name in modules],
    })
`;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function main() {
  const pyodideDir = process.argv[2];
  if (!pyodideDir) throw new Error("usage: node compile_wheel.mjs <pyodide dir>");
  const job = await readStdin();
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
  const toStderr = (line) => process.stderr.write(`${line}\n`);
  const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: toStderr, stderr: toStderr });
  pyodide.runPython(PYTHON);
  const compileJob = pyodide.globals.get("compile_job");
  try {
    process.stdout.write(`${compileJob(job)}\n`);
  } finally {
    compileJob.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`compile_wheel.mjs: ${error?.stack ? error.stack : error}\n`);
  process.exit(1);
});
