// Byte-compile a (trimmed) python_stdlib.zip inside the pinned Pyodide, for a quicker start.
//
// Why: Python's start-up in the browser imports about 150 stdlib modules from that zip,
// and Pyodide's zip holds only sources, so every visit compiles ~2.8 MB of Python first
// (about half of loadPyodide's CPU time). Bytecode made here, by the very interpreter the
// browser runs, skips that. Two settings keep the bytecode about as small as the source
// on the wire: docstrings and asserts are left out (optimize=2, the stdlib's supported
// `-OO` mode) and so are column positions (PYTHONNODEBUGRANGES: tracebacks keep their
// line numbers, lose the ^^^ markers). A module whose bytecode would still cost much more
// on the wire than its source stays source (the limit comes from stdlib.py).
//
// Usage: node compile_stdlib.mjs <full pyodide dir> <in.zip> <out.zip> <extra bytes per source byte>
//   out.zip: in.zip with <name>.pyc (unchecked-hash, deterministic) instead of <name>.py
//            wherever the bytecode, deflated, is at most <extra> bytes per source byte
//            larger than the deflated source; the rest stays source.
//   stdout:  one JSON object, {"ok": true, "python", "compiled", "kept", "from_bytecode"}
//            (modules a fresh start from out.zip imported from bytecode)
//            or {"ok": false, "file", "line", "message"}.
// The full runtime is needed because the trimmed zip has no py_compile.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const PYTHON = String.raw`
import json, os, py_compile, shutil, sys, zipfile, zlib

def compile_zip(source_zip, target_zip, extra_per_byte):
    work = "/tmp/stageguide-stdlib"
    shutil.rmtree(work, ignore_errors=True)
    compiled = kept = 0
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(target_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            if not info.filename.endswith(".py"):
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
                continue
            src = os.path.join(work, info.filename)
            os.makedirs(os.path.dirname(src), exist_ok=True)
            with open(src, "wb") as handle:
                handle.write(data)
            try:
                py_compile.compile(src, cfile=src + "c", dfile=info.filename, doraise=True, optimize=2,
                                   invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            except py_compile.PyCompileError as error:
                return json.dumps({"ok": False, "file": info.filename, "line": getattr(error.exc_value, "lineno", None), "message": error.msg})
            with open(src + "c", "rb") as handle:
                code = handle.read()
            extra = len(zlib.compress(code, 9)) - len(zlib.compress(data, 9))
            if extra <= extra_per_byte * len(data):
                target.writestr(zipfile.ZipInfo(info.filename + "c", date_time=info.date_time), code,
                                compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
                compiled += 1
            else:
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
                kept += 1
    return json.dumps({"ok": True, "python": sys.version.split()[0], "compiled": compiled, "kept": kept})

`;

// Run in an interpreter started from the result (no py_compile there).
const CHECK = String.raw`
import json, sys
json.dumps({"from_bytecode": sum(1 for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").endswith(".pyc"))})
`;

async function main() {
  const [pyodideDir, sourceZip, targetZip, extraPerByte] = process.argv.slice(2);
  if (!extraPerByte)
    throw new Error("usage: node compile_stdlib.mjs <pyodide dir> <in.zip> <out.zip> <extra bytes per source byte>");
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
  const toStderr = (line) => process.stderr.write(`${line}\n`);
  const pyodide = await loadPyodide({
    indexURL: pyodideDir + path.sep,
    env: { PYTHONNODEBUGRANGES: "1" },
    stdout: toStderr,
    stderr: toStderr,
  });
  pyodide.FS.writeFile("/tmp/stdlib-in.zip", new Uint8Array(fs.readFileSync(sourceZip)));
  pyodide.runPython(PYTHON);
  const compileZip = pyodide.globals.get("compile_zip");
  let reply;
  try {
    reply = JSON.parse(compileZip("/tmp/stdlib-in.zip", "/tmp/stdlib-out.zip", Number(extraPerByte)));
  } finally {
    compileZip.destroy();
  }
  if (reply.ok) {
    fs.writeFileSync(targetZip, pyodide.FS.readFile("/tmp/stdlib-out.zip"));
    // The proof: a fresh interpreter starts from the result, importing from its bytecode.
    try {
      const fresh = await loadPyodide({
        indexURL: pyodideDir + path.sep,
        stdLibURL: targetZip,
        stdout: toStderr,
        stderr: toStderr,
      });
      reply.from_bytecode = JSON.parse(fresh.runPython(CHECK)).from_bytecode;
    } catch (error) {
      const first = String(error?.message || error)
        .trim()
        .split("\n")
        .slice(-1)[0];
      reply = { ok: false, message: `Pyodide does not start from the compiled zip (${first.slice(0, 300)})` };
    }
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

main().catch((error) => {
  process.stderr.write(`compile_stdlib.mjs: ${error?.stack ? error.stack : error}\n`);
  process.exit(1);
});
