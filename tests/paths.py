"""Where things are, for every test module: one name for each path.

Tests import these names (and helpers from tests/helpers.py, tests/cores.py, tests/sitebuild.py);
conftest files hold fixtures only.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MKDOCS_YML = REPO / "mkdocs.yml"
DOCS = REPO / "docs"
NODE_MODULES = REPO / "node_modules"
PYODIDE = NODE_MODULES / "pyodide"
CORE = REPO / "src" / "stageguide" / "core"
WORKFLOWS = REPO / ".github" / "workflows"

# This repository's sample quiz (what the site uses until a fork replaces it) and its schema.
SAMPLE_QUIZ = REPO / "quiz" / "sales-marketing.yml"
SCHEMA = REPO / "quiz" / "quiz.schema.json"

# The test models: a frozen copy of the sample (figures in the tests rely on it) and a small
# second model with another scale and stage count.
MODELS = REPO / "tests" / "models"
SALES_QUIZ = MODELS / "sales-marketing.yml"
TEAM_QUIZ = MODELS / "team-sport.yml"

# The second example site, a complete model a fork can copy.
EXAMPLE = REPO / "examples" / "incident-response"
EXAMPLE_QUIZ = EXAMPLE / "quiz" / "incident-response.yml"
