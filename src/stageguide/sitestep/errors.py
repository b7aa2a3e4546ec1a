"""The one error the step raises: an author's or a build's mistake, said in a sentence."""

from __future__ import annotations


class SiteStepError(Exception):
    """Shown as it is: MkDocs wraps it in a PluginError, the command line prints it and exits 2."""
