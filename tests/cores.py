"""The scoring core behind one interface, in CPython and in Pyodide, for the parity tests.

Both runtimes speak the browser's protocol, `api.handle(kind, payload_json)`, so a
test can run the same request through either and compare the replies whole.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections import deque
from pathlib import Path
from typing import Any, NoReturn

from stageguide.core import api

Request = tuple[str, dict[str, Any]]

SERVER = Path(api.__file__).resolve().parents[1] / "node" / "engine_server.mjs"
START_TIMEOUT = 90.0
CALL_TIMEOUT = 30.0
BATCH_TIMEOUT = 120.0


class PyodideCoreError(RuntimeError):
    """The core in Pyodide died, hung or answered something that is not a reply."""


class CPythonCore:
    """The core imported in this process: the reference the Pyodide run must match."""

    name = "cpython"

    def call(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return json.loads(api.handle(kind, json.dumps(payload)))

    def call_many(self, requests: list[Request]) -> list[dict[str, Any]]:
        return [self.call(kind, payload) for kind, payload in requests]


class PyodideCore:
    """The compiled wheel inside the pinned Pyodide, in one long-lived Node process.

    Reading happens on a thread feeding a queue, so every wait has a timeout and a
    hung Node fails the test with its stderr instead of hanging the session.
    """

    name = "pyodide"

    def __init__(self, node: str, pyodide_dir: Path, wheel: Path) -> None:
        self._process = subprocess.Popen(
            [node, str(SERVER), str(pyodide_dir), str(wheel)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=40)
        self._next_id = 0
        self._readers = [
            threading.Thread(target=self._pump_stdout, daemon=True),
            threading.Thread(target=self._pump_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            self.ready = self._read(START_TIMEOUT, "start")
            if not self.ready.get("ready"):
                self._fail(f"engine_server.mjs sent {self.ready!r} instead of its ready line")
        except BaseException:
            self.close()
            raise

    def call(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return json.loads(self._request(kind, payload, CALL_TIMEOUT)["reply"])

    def call_many(self, requests: list[Request]) -> list[dict[str, Any]]:
        batch = [{"kind": kind, "payload": payload} for kind, payload in requests]
        return [
            json.loads(text) for text in self._request("__batch__", batch, BATCH_TIMEOUT)["replies"]
        ]

    def introspect(self) -> dict[str, Any]:
        return json.loads(self._request("__introspect__", {}, CALL_TIMEOUT)["reply"])

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for reader in self._readers:
            reader.join(timeout=10)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def _request(self, kind: str, payload: object, timeout: float) -> dict[str, Any]:
        self._next_id += 1
        request_id = self._next_id
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(
                json.dumps({"id": request_id, "kind": kind, "payload": payload}) + "\n"
            )
            self._process.stdin.flush()
        except OSError as error:
            self._fail(f"cannot send a {kind!r} request ({error})")
        answer = self._read(timeout, f"a {kind!r} request")
        if answer.get("id") != request_id or "error" in answer:
            self._fail(f"{kind!r} request {request_id} got {str(answer)[:2000]}")
        return answer

    def _read(self, timeout: float, waiting_for: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._process.kill()
            self._fail(f"no answer to {waiting_for} within {timeout:.0f} s; Node was killed")
        if line is None:
            self._fail(f"Node exited (code {self._process.wait()}) while waiting for {waiting_for}")
        try:
            return json.loads(line)
        except ValueError:
            self._fail(f"engine_server.mjs wrote a line that is not JSON: {line[:500]!r}")

    def _fail(self, message: str) -> NoReturn:
        stderr = "\n".join(self._stderr) or "(nothing)"
        raise PyodideCoreError(f"core in Pyodide: {message}\n--- Node stderr ---\n{stderr}")

    def _pump_stdout(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _pump_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.rstrip("\n"))
