"""`python build.py build --with zensical`: `zensical build`, then the stageguide step.

Zensical reads mkdocs.yml but ignores MkDocs plugins, so the quiz is added to its
output by `stageguide.sitestep`, the code the MkDocs plugin runs at its events.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from .errors import BuildError

INSTALL_HINT = (
    "Zensical is not installed in this environment; install it with `.venv/bin/pip install "
    "zensical` (it is not in requirements.lock: README, Building with Zensical)"
)


def run_zensical_build(root: Path, args: list[str]) -> int:
    """Build with Zensical from mkdocs.yml (or `-f FILE`), then run the step on its site_dir."""
    from ..sitestep import SiteStepError, read_site_config
    from ..sitestep.standalone import apply_to_built_site
    from .sitesize import report_site

    config_file = Path("mkdocs.yml")
    rest = list(args)
    for flag in ("-f", "--config-file"):
        if flag in rest and rest.index(flag) + 1 < len(rest):
            at = rest.index(flag)
            config_file = Path(rest[at + 1])
            del rest[at : at + 2]
    if rest:
        raise BuildError(
            f"`build --with zensical` takes only -f/--config-file, got: {' '.join(rest)}"
        )
    if importlib.util.find_spec("zensical") is None:
        raise BuildError(INSTALL_HINT)
    config_path = (root / config_file).resolve()
    # --clean: Zensical's cache would otherwise keep pages the step has edited as up to date.
    code = subprocess.call(
        [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(config_path)],
        cwd=config_path.parent,
    )
    if code != 0:
        return code
    try:
        config = read_site_config(config_path)
        changed = apply_to_built_site(config, log=lambda line: print(line, flush=True))
    except SiteStepError as error:
        raise BuildError(str(error)) from None
    print(f"stageguide: {changed} pages of {config.site_dir} updated", flush=True)
    print(report_site(config.site_dir), flush=True)
    return 0
