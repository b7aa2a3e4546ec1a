"""stageguide: a staged self-assessment engine and the MkDocs site around it.

The scoring core lives in `stageguide.core` (standard library only, shipped to
the browser); everything else here runs on the author's machine.
"""

__version__ = "0.1.0"
