"""`python -m stageguide.sitestep [-f mkdocs.yml] [-d site]`: the step after `zensical build`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import SiteStepError
from .options import read_site_config
from .standalone import apply_to_built_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stageguide.sitestep",
        description="Add the quiz, its engine and the Content Security Policy to a site built "
        "from mkdocs.yml by a generator that ignores MkDocs plugins (Zensical).",
    )
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", type=Path)
    parser.add_argument("-d", "--site-dir", type=Path, help="the built site (default: site_dir)")
    args = parser.parse_args(argv)
    try:
        config = read_site_config(args.config_file, args.site_dir)
        changed = apply_to_built_site(config, log=lambda line: print(line, flush=True))
    except SiteStepError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 2
    print(f"stageguide: {changed} pages of {config.site_dir} updated", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
