"""The one error the build tools raise on purpose."""

from __future__ import annotations


class BuildError(Exception):
    """A build that cannot go on; the message says what is wrong and how to fix it.

    The command line prints the message alone (no traceback), so it must name the
    file, the line when there is one, and the command that repairs the setup.
    """
