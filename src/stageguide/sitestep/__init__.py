"""What the quiz adds to a built site, independent of the generator that built it.

The MkDocs plugin calls `SiteStep` at its events; `python -m stageguide.sitestep`
runs it on a site another generator built from the same mkdocs.yml (Zensical).
"""

from .errors import SiteStepError
from .options import SiteConfig, StepOptions, read_site_config
from .step import SiteStep, watched_paths

__all__ = [
    "SiteConfig",
    "SiteStep",
    "SiteStepError",
    "StepOptions",
    "read_site_config",
    "watched_paths",
]
