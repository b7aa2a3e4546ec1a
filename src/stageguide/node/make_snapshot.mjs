// Make the start-up snapshot the site ships for engines where Python starts slowly.
//
// Usage: node make_snapshot.mjs <runtime dir> <compiled wheel> <quiz json> <out .gz>
// Starts the site's own runtime folder (the exact files a browser gets, trimmed stdlib
// included) the way worker.mjs does, imports the scoring core, and writes Pyodide's
// memory snapshot gzipped. Before writing it restores the snapshot in a second
// interpreter and scores the quiz there, so a snapshot that cannot start never ships.
// Prints one JSON line: {"raw": bytes, "gzipped": bytes, "make_ms": ..., "restore_ms": ...}.
import fs from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";

// A runtime that never starts (e.g. a broken wasm) can leave nothing pending, and Node
// would then exit 0 without a word: only a finished run clears this exit code.
process.exitCode = 3;

async function main() {
  const [runtimeDir, wheelPath, quizPath, outPath] = process.argv.slice(2);
  if (!outPath) throw new Error("usage: node make_snapshot.mjs <runtime dir> <wheel> <quiz json> <out .gz>");
  const { loadPyodide } = await import(pathToFileURL(path.join(runtimeDir, "pyodide.mjs")).href);
  const indexURL = runtimeDir + path.sep;
  const wheel = new Uint8Array(await fs.readFile(wheelPath));
  const quiz = JSON.parse(await fs.readFile(quizPath, "utf-8"));
  const quiet = { stdout: () => {}, stderr: (line) => process.stderr.write(`${line}\n`) };

  let started = performance.now();
  const py = await loadPyodide({ indexURL, packages: [], _makeSnapshot: true, ...quiet });
  py.unpackArchive(wheel, "wheel");
  py.pyimport("stageguide.core.api");
  const memory = py.makeMemorySnapshot();
  const makeMs = performance.now() - started;

  started = performance.now();
  const check = await loadPyodide({ indexURL, packages: [], _loadSnapshot: memory, ...quiet });
  check.unpackArchive(wheel, "wheel");
  const api = check.pyimport("stageguide.core.api");
  const loaded = JSON.parse(api.handle("load", JSON.stringify({ quiz, source: quizPath })));
  if (!loaded.ok) throw new Error(`the restored snapshot could not load the quiz: ${loaded.error.message}`);
  const restoreMs = performance.now() - started;

  const gzipped = zlib.gzipSync(memory, { level: 9 });
  const partial = `${outPath}.partial`;
  await fs.writeFile(partial, gzipped);
  await fs.rename(partial, outPath);
  process.stdout.write(
    `${JSON.stringify({ raw: memory.byteLength, gzipped: gzipped.byteLength, make_ms: makeMs, restore_ms: restoreMs })}\n`,
  );
  process.exitCode = 0;
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
