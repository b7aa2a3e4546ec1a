"""`python -m stageguide.buildtools <command>`: what `python build.py` hands over to."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
