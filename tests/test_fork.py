"""A fork that replaces the sample with its own model keeps a green test step, so its site deploys.

The repository is copied, the incident-response example becomes the site's quiz and
guide (mkdocs.yml, docs/, quiz/), and the suite's non-browser part runs there as the
Pages workflow runs it. It reuses this checkout's .venv and node_modules, so it stays offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import EXAMPLE
from sitecontent import SAMPLE_SKIP_REASON, copy_working_tree

NESTED = "STAGEGUIDE_FORK_TEST"  # set inside the copy, so the copied suite does not start a copy of its own
SUITE_TIMEOUT = 1800


def make_fork(dest: Path) -> Path:
    """The repository as a fork would leave it after replacing the sample with its own model."""
    fork = copy_working_tree(dest)
    shutil.rmtree(fork / "docs")
    shutil.copytree(EXAMPLE / "docs", fork / "docs")
    (fork / "quiz" / "sales-marketing.yml").unlink()
    # As the README says: the copied quiz's first line must point at quiz/quiz.schema.json from its new place.
    text = (
        (EXAMPLE / "quiz" / "incident-response.yml").read_text(encoding="utf-8").split("\n", 1)[1]
    )
    (fork / "quiz" / "incident-response.yml").write_text(
        "# yaml-language-server: $schema=quiz.schema.json\n" + text, encoding="utf-8"
    )
    shutil.copyfile(EXAMPLE / "mkdocs.yml", fork / "mkdocs.yml")
    # A fork is a git repository (the deploy tests list its files with git).
    subprocess.run(["git", "init", "-q"], cwd=fork, check=True, capture_output=True)
    subprocess.run(["git", "add", "-A"], cwd=fork, check=True, capture_output=True)
    return fork


@pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already running inside the fork's copy")
@pytest.mark.timeout(SUITE_TIMEOUT + 60)  # it runs a whole suite, beyond the per-test default
def test_a_fork_with_its_own_model_passes_the_workflows_test_step(tmp_path: Path) -> None:
    fork = make_fork(tmp_path / "fork")
    env = {**os.environ, NESTED: "1", "PYTHONPATH": str(fork / "src"), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not browser", "-q", "-p", "no:cacheprovider", "-x"],
        cwd=fork,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUITE_TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    summary = output.strip().splitlines()[-1]
    assert (
        re.search(r"\d+ passed", summary) and "failed" not in summary and "error" not in summary
    ), summary
    # The sample's own checks are skipped, and say why; the engine's are not.
    assert SAMPLE_SKIP_REASON in output, output[-3000:]
    assert "test_guide.py" in output and re.search(r"\d+ skipped", summary), summary
