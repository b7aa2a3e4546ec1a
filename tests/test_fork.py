"""A fork that replaces the sample with its own model keeps a green test step, so its site deploys.

The repository is copied, the incident-response example becomes the site's quiz and
guide (mkdocs.yml, docs/, quiz/), and the Pages workflow's test step (the non-browser
tests) runs there, limited to the tests marked `site`: those whose module uses mkdocs.yml,
docs/ or quiz/ (tests/conftest.py marks them; tests/sitecontent.py says how). The others
read none of what a fork changes, so they pass there exactly when they pass in this run;
running them twice cost CI four minutes. It reuses this checkout's .venv and node_modules,
so it stays offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import EXAMPLE, REPO
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
@pytest.mark.timeout(SUITE_TIMEOUT + 60)  # it runs a suite in the copy, beyond the per-test default
def test_a_fork_with_its_own_model_passes_the_workflows_site_tests(tmp_path: Path) -> None:
    fork = make_fork(tmp_path / "fork")
    env = {**os.environ, NESTED: "1", "PYTHONPATH": str(fork / "src"), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-m", "site and not browser"),
            *("-q", "-p", "no:cacheprovider", "-x", "-n", "0"),
        ],
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


def test_the_site_mark_covers_the_tests_that_read_the_site_and_only_them() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "site", "--co", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    ).stdout
    files = {line.split("::")[0] for line in listed.splitlines() if "::" in line}
    # Each uses mkdocs.yml, docs/ or quiz/: the plugin and publish tests build the site, the
    # guide tests read docs/, parity scores the site's quiz, the schema tests read quiz/.
    reads = {"test_plugin", "test_publish", "test_guide", "test_parity", "test_schema_file"}
    assert {f"tests/{name}.py" for name in reads} <= files, sorted(files)
    # These read only the test models and the package: a fork cannot change their outcome.
    others = {"test_scoring", "test_wheel_build", "test_sharecode", "test_team_import"}
    assert not {f"tests/{name}.py" for name in others} & files, sorted(files)
