"""Build tooling that runs on the author's machine, never in the browser.

`python build.py <command>` hands over to `python -m stageguide.buildtools`, so
everything here may use the whole host environment (Node, setuptools, PyYAML);
what it produces for the browser is the sourceless scoring-core wheel compiled
inside the pinned Pyodide, the quiz JSON and a copy of the Pyodide runtime.
"""
