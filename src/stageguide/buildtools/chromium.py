"""How this project launches Chromium, shared by the browser tests and the benchmark.

Debian's Chromium, headless, with the background services off: on a closed network
they only produce refused connections, and they would add noise to measurements.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("STAGEGUIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
