"""`python build.py bench`: how fast the built site is, measured in headless Chromium."""

from .command import run_bench

__all__ = ["run_bench"]
