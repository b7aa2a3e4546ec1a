// List the standard-library files the scoring core really uses inside Pyodide.
//
// Starts the pinned Pyodide with its full stdlib, installs the compiled wheel the way
// the browser worker does, runs every kind of request the site sends (good and bad
// input, every quiz given), provokes a Python error that crosses into JavaScript,
// and reports which files of the stdlib zip were imported. The build ships a
// python_stdlib.zip holding only those (plus their packages' __init__ files).
//
// With --spreadsheet <bundle zip> <workbook.xlsx>, it then unpacks the spreadsheet bundle
// (openpyxl, et_xmlfile, stageguide.spreadsheet), reads the workbook through the "team"
// request as the browser does, and also reports the stdlib files that only reading a
// spreadsheet needs; the site ships those apart, loaded when a spreadsheet is dropped.
//
// Usage: node trace_stdlib.mjs <pyodide dir> <wheel> [--spreadsheet <bundle> <xlsx>] <quiz json>...
// stdout: {"ok": true, "zip": "/lib/python314.zip", "files": ["json/__init__.py", ...], "spreadsheet_files": [...]}
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

// Constant source; reads the interpreter's own state and takes no input.
const REPORT = String.raw`
def _stageguide_stdlib_files():
    import json, sys
    zips = [p for p in sys.path if p.endswith(".zip")]
    found = set()
    for module in list(sys.modules.values()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or getattr(module, "__file__", None)
        for zip_path in zips:
            if origin and origin.startswith(zip_path + "/"):
                found.add(origin[len(zip_path) + 1:])
    return json.dumps({"zip": zips[0] if zips else None, "files": sorted(found)})
`;

function workload(quiz) {
  const ids = quiz.statements.map((s) => s.id);
  const low = quiz.scale[0].value;
  const high = quiz.scale[quiz.scale.length - 1].value;
  const some = ids.map((_, i) => (i % 2 ? high : low));
  const groups = (quiz.groups || []).map((g) => g.id);
  const code = (answers, group, name) => ({ quiz: quiz.id, answers, group, name });
  const csvHeader = ["Timestamp", "Name", "Function", ...quiz.statements.map((s) => s.text)];
  const csvRow = (n, label) => [
    `2026-01-0${n}`,
    `Person ${n}`,
    groups[n % Math.max(groups.length, 1)] || "",
    ...ids.map(() => label),
  ];
  const csv = [csvHeader, csvRow(1, quiz.scale[0].label), csvRow(2, String(high)), csvRow(3, "not an answer")]
    .map((row) => row.map((cell) => `"${String(cell).replaceAll('"', '""')}"`).join(","))
    .join("\n");
  return [
    ["score", { quiz: quiz.id, answers: some }],
    ["score", { quiz: quiz.id, answers: [...some.slice(1), high + 1] }],
    ["score", { quiz: quiz.id, answers: "bad" }],
    ["result", code(some, groups[0] || null, "Zoë 👩‍🔬")],
    ["encode", code(some, null, null)],
    ["decode", { quiz: quiz.id, code: "nonsense%20here" }],
    ["share", { quiz: quiz.id, code: "x".repeat(3000) }],
    ["team", { quiz: quiz.id, text: csv }],
    ["nope", {}],
  ];
}

async function main() {
  const [pyodideDir, wheelPath, ...rest] = process.argv.slice(2);
  let spreadsheet = null;
  if (rest[0] === "--spreadsheet") {
    spreadsheet = { bundle: rest[1], workbook: rest[2] };
    rest.splice(0, 3);
  }
  const quizPaths = rest;
  const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
  const toStderr = (line) => process.stderr.write(`${line}\n`);
  const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: toStderr, stderr: toStderr });
  const wheel = await fs.readFile(wheelPath);
  pyodide.unpackArchive(new Uint8Array(wheel.buffer, wheel.byteOffset, wheel.byteLength), "wheel");
  const api = pyodide.pyimport("stageguide.core.api");
  for (const quizPath of quizPaths) {
    const quiz = JSON.parse(await fs.readFile(quizPath, "utf8"));
    api.handle("load", JSON.stringify({ quiz, source: quizPath }));
    for (const [kind, data] of workload(quiz)) {
      const codeReply = JSON.parse(api.handle(kind, JSON.stringify(data)));
      if (kind === "result" && codeReply.ok) {
        api.handle("share", JSON.stringify({ quiz: quiz.id, code: codeReply.data.code }));
        api.handle("team", JSON.stringify({ quiz: quiz.id, text: `${codeReply.data.code}\nnot a code` }));
      }
    }
  }
  try {
    pyodide.runPython("raise ValueError('a Python error crossing into JavaScript')");
  } catch {
    /* expected: formatting it imports the traceback machinery the browser needs too */
  }
  pyodide.runPython(REPORT);
  const report = pyodide.globals.get("_stageguide_stdlib_files");
  const core = JSON.parse(report());
  let spreadsheetFiles = [];
  if (spreadsheet) {
    const bundle = await fs.readFile(spreadsheet.bundle);
    // Beside the core, as the browser worker unpacks both (stageguide/spreadsheet.py joins the package).
    pyodide.unpackArchive(new Uint8Array(bundle.buffer, bundle.byteOffset, bundle.byteLength), "zip");
    const module = pyodide.pyimport("stageguide.spreadsheet");
    module.install();
    module.destroy();
    const workbook = (await fs.readFile(spreadsheet.workbook)).toString("base64");
    for (const quizPath of quizPaths) {
      const quiz = JSON.parse(await fs.readFile(quizPath, "utf8"));
      const reply = JSON.parse(
        api.handle("team", JSON.stringify({ quiz: quiz.id, file: { name: "sample.xlsx", base64: workbook } })),
      );
      if (!reply.ok && quizPath === quizPaths[0])
        throw new Error(`reading the sample workbook failed: ${reply.error.message}`);
      api.handle("team", JSON.stringify({ quiz: quiz.id, file: { name: "damaged.xlsx", base64: "UEsDBAAAAAAAAAAA" } }));
    }
    const known = new Set(core.files);
    spreadsheetFiles = JSON.parse(report()).files.filter((name) => !known.has(name));
  }
  process.stdout.write(`${JSON.stringify({ ok: true, ...core, spreadsheet_files: spreadsheetFiles })}\n`);
  report.destroy();
  api.destroy();
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ ok: false, message: String(error?.stack ? error.stack : error) })}\n`);
  process.exitCode = 1;
});
