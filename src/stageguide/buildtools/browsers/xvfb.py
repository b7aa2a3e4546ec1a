"""A private X display for browsers that cannot run headless (WebKitGTK's MiniBrowser)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

START_TIMEOUT_S = 20


@dataclass
class VirtualDisplay:
    """Xvfb on a free display number it picks itself (`-displayfd`), so parallel runs never collide."""

    process: subprocess.Popen[bytes]
    display: str

    @classmethod
    def start(cls) -> VirtualDisplay:
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise FileNotFoundError("Xvfb is missing; install it with `apt-get install -y xvfb`")
        read, write = os.pipe()
        process = subprocess.Popen(
            [xvfb, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        try:
            number = _read_line(read, process)
        finally:
            os.close(read)
        return cls(process, f":{number}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _read_line(fd: int, process: subprocess.Popen[bytes]) -> str:
    import select

    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], START_TIMEOUT_S)
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            process.kill()
            raise RuntimeError(
                f"Xvfb did not report a display within {START_TIMEOUT_S} s (exit code {process.poll()})"
            )
        data += chunk
    return data.decode().strip()
