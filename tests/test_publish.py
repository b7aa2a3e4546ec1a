"""Publishing: the GitHub Pages workflow, the site size report, `build.py deploy` and the example site.

Nothing here needs a browser, so the Pages workflow runs all of it before it builds.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from paths import EXAMPLE, MKDOCS_YML, REPO, WORKFLOWS
from sitecontent import copy_working_tree

from stageguide.buildtools import cli
from stageguide.buildtools.errors import BuildError
from stageguide.buildtools.sitesize import FILE_LIMIT, SITE_LIMIT, human, report_site

WORKFLOW = WORKFLOWS / "pages.yml"
GIT = shutil.which("git")
MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def site_quiz_id() -> str:
    """The id of the quiz mkdocs.yml points the plugin at (a fork may have replaced the sample)."""
    from mkdocs.config import load_config

    from stageguide.quizfile import read_quiz

    config = load_config(config_file=str(MKDOCS_YML))
    return read_quiz(REPO / config.plugins["stageguide"].config.quiz).id


# --- the workflow ----------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{WORKFLOW} is not a YAML mapping"
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """`on:` is the boolean True to a YAML 1.1 loader such as PyYAML; accept either spelling."""
    found = workflow.get("on", workflow.get(True))
    assert isinstance(found, dict), "the workflow has no `on:` mapping"
    return found


def steps(workflow: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def step_index(workflow: dict[Any, Any], job: str, predicate: Any, what: str) -> int:
    for index, step in enumerate(steps(workflow, job)):
        if predicate(step):
            return index
    raise AssertionError(f"no step in job {job!r} {what}")


def uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


def runs(step: dict[str, Any], fragment: str) -> bool:
    return fragment in str(step.get("run", ""))


def run_commands(workflow: dict[Any, Any]) -> list[list[str]]:
    """Every command line of every `run:` step, split like a shell would."""
    commands = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            script = str(step.get("run", "")).replace("\\\n", " ")
            for line in script.splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    commands.append(shlex.split(line, comments=True))
    return commands


def test_runs_on_push_to_main_and_by_hand(workflow: dict[Any, Any]) -> None:
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_permissions_are_exactly_what_each_job_needs(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {}, "nothing by default; each job asks for its own"
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_one_deployment_at_a_time_and_none_cut_off(workflow: dict[Any, Any]) -> None:
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


# The current majors (all on Node 24) and the one action pinned by tag (README: "Pinned actions").
CURRENT_MAJORS = {
    "actions/checkout": 7,
    "actions/setup-python": 7,
    "actions/setup-node": 7,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}
PINNED_BY_TAG = {"actions/configure-pages"}


def test_actions_are_the_official_ones_on_their_current_majors_pinned_by_commit() -> None:
    used = {}
    for line in WORKFLOW.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*(?:- )?uses: (\S+?)@(\S+)(?:\s+#\s*(\S+))?\s*$", line)
        if not match:
            continue
        name, ref, comment = match.groups()
        if name in PINNED_BY_TAG:
            assert re.fullmatch(r"v\d+", ref), f"{name}@{ref} should be pinned to its major tag"
            used[name] = int(ref[1:])
        else:
            assert re.fullmatch(r"[0-9a-f]{40}", ref), (
                f"{name}@{ref} should be pinned to a full commit hash"
            )
            assert comment and re.fullmatch(r"v\d+\.\d+\.\d+", comment), (
                f"{name}@{ref} needs its release tag in a comment"
            )
            used[name] = int(comment[1:].split(".")[0])
    assert used == CURRENT_MAJORS


def test_zizmor_config_allows_a_tag_only_where_the_workflow_uses_one() -> None:
    config = yaml.safe_load((REPO / ".github" / "zizmor.yml").read_text(encoding="utf-8"))
    policies = config["rules"]["unpinned-uses"]["config"]["policies"]
    assert policies == {**{name: "ref-pin" for name in PINNED_BY_TAG}, "*": "hash-pin"}


def test_build_job_sets_up_python_and_node(workflow: dict[Any, Any]) -> None:
    build = steps(workflow, "build")
    python = build[
        step_index(workflow, "build", lambda s: uses(s, "actions/setup-python"), "sets up Python")
    ]
    node = build[
        step_index(workflow, "build", lambda s: uses(s, "actions/setup-node"), "sets up Node")
    ]
    assert str(python["with"]["python-version"]) == "3.11", (
        "the version requirements.lock was resolved with"
    )
    assert str(node["with"]["node-version"]) in ("22", "24"), (
        "a Node.js LTS line that still gets security fixes"
    )


def test_build_job_installs_from_the_lock_files_then_tests_then_builds_then_uploads(
    workflow: dict[Any, Any],
) -> None:
    order = [
        step_index(workflow, "build", lambda s: uses(s, "actions/checkout"), "checks out the code"),
        step_index(
            workflow,
            "build",
            lambda s: runs(s, "--require-hashes -r requirements.lock"),
            "installs requirements.lock with hashes",
        ),
        step_index(workflow, "build", lambda s: runs(s, "npm ci"), "runs npm ci"),
        step_index(workflow, "build", lambda s: runs(s, "-m pytest"), "runs the tests"),
        step_index(workflow, "build", lambda s: runs(s, "build.py build"), "builds the site"),
        step_index(
            workflow,
            "build",
            lambda s: uses(s, "actions/upload-pages-artifact"),
            "uploads the site",
        ),
    ]
    assert order == sorted(order), "install, test, build and upload should run in that order"
    install = steps(workflow, "build")[order[1]]["run"]
    assert re.search(r"pip install --no-deps( --no-build-isolation)? -e \.", install), install
    upload = steps(workflow, "build")[order[-1]]
    assert upload["with"]["path"] == "site"


def test_build_step_gets_site_url_from_configure_pages(workflow: dict[Any, Any]) -> None:
    configure = step_index(
        workflow, "build", lambda s: uses(s, "actions/configure-pages"), "runs configure-pages"
    )
    build = step_index(workflow, "build", lambda s: runs(s, "build.py build"), "builds the site")
    step_id = steps(workflow, "build")[configure].get("id")
    assert step_id, "the configure-pages step needs an id so later steps can read its outputs"
    assert configure < build
    env = steps(workflow, "build")[build].get("env", {})
    assert re.fullmatch(
        rf"\$\{{\{{\s*steps\.{step_id}\.outputs\.base_url\s*\}}\}}/?", str(env.get("SITE_URL", ""))
    ), env
    site_url = (MKDOCS_YML).read_text(encoding="utf-8")
    assert "site_url: !ENV [SITE_URL," in site_url, (
        "mkdocs.yml must read SITE_URL for the workflow's address to count"
    )


def test_deploy_job_publishes_to_the_github_pages_environment(workflow: dict[Any, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    step = deploy["steps"][
        step_index(
            workflow, "deploy", lambda s: uses(s, "actions/deploy-pages"), "runs deploy-pages"
        )
    ]
    assert step.get("id"), "the deploy step needs an id for the environment's url"
    assert deploy["environment"]["name"] == "github-pages"
    assert re.fullmatch(
        rf"\$\{{\{{\s*steps\.{step['id']}\.outputs\.page_url\s*\}}\}}", deploy["environment"]["url"]
    )


def test_every_run_step_refers_to_files_that_exist(workflow: dict[Any, Any]) -> None:
    missing = []
    for command in run_commands(workflow):
        for index, word in enumerate(command):
            previous = command[index - 1] if index else ""
            if "$" in word or word.startswith("-") or word.startswith(".venv/"):
                continue  # variables, options, and the environment the step itself creates
            if previous == "-r" or re.search(r"\.(py|lock|json|toml|txt|ya?ml|cfg|sh)$", word):
                if not (REPO / word).is_file():
                    missing.append(f"{' '.join(command)}: {word}")
            if previous == "-e" and not (REPO / word / "pyproject.toml").is_file():
                missing.append(f"{' '.join(command)}: {word}/pyproject.toml")
            if index == 2 and previous == "-m" and Path(command[0]).name.startswith("python"):
                if importlib.util.find_spec(word.split(".")[0]) is None:
                    missing.append(f"{' '.join(command)}: python module {word}")
        if command[:2] == ["npm", "ci"]:
            missing += [
                f"npm ci: {name}"
                for name in ("package.json", "package-lock.json")
                if not (REPO / name).is_file()
            ]
    assert not missing, "run steps refer to things that are not in the repository:\n" + "\n".join(
        missing
    )


def pytest_marker_expressions(workflow: dict[Any, Any]) -> list[str]:
    found = []
    for command in run_commands(workflow):
        if "pytest" in command and "-m" in command[command.index("pytest") :]:
            after = command[command.index("pytest") :]
            found.append(after[after.index("-m") + 1])
    assert found, "the workflow runs no `pytest -m …`"
    return found


def collect(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_workflow_runs_the_browser_tests_in_the_runners_chrome(
    workflow: dict[Any, Any],
) -> None:
    assert pytest_marker_expressions(workflow) == ["not browser", "browser"]
    index = step_index(
        workflow, "build", lambda s: runs(s, "pytest -m browser"), "runs the browser tests"
    )
    assert steps(workflow, "build")[index]["env"]["STAGEGUIDE_CHROMIUM"] == "/usr/bin/google-chrome"
    built = step_index(workflow, "build", lambda s: runs(s, "build.py build"), "builds the site")
    assert index < built, "the site is published only after the browser tests pass"


def test_the_workflows_marker_leaves_out_the_browser_tests_and_only_them() -> None:
    expression = pytest_marker_expressions(yaml.safe_load(WORKFLOW.read_text(encoding="utf-8")))[0]
    assert expression == "not browser"
    kept = collect("-m", expression)
    browser = collect("-m", "browser")
    assert browser, (
        "no browser tests collected; is the marker still applied by tests/browser/conftest.py?"
    )
    assert any(test.startswith("tests/browser/") for test in browser), browser
    assert not [test for test in kept if test.startswith("tests/browser/")], (
        "every test under tests/browser needs Chromium"
    )
    assert any("test_parity" in test for test in kept), (
        "the Pyodide parity tests need only Node and should run"
    )
    assert len(kept) + len(browser) == len(collect())


# --- the site size report ----------------------------------------------------------


def sparse(path: Path, size: int) -> Path:
    """A file that reports `size` bytes but takes no disk space."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_report_flags_a_file_over_the_limit_and_lists_the_largest_first(tmp_path: Path) -> None:
    site = tmp_path / "site"
    sparse(site / "assets" / "video.mp4", FILE_LIMIT + 1)
    sparse(site / "edge.bin", FILE_LIMIT)  # at the limit: allowed
    (site / "index.html").write_text("x" * 2_000)
    (site / "quiz" / "index.html").parent.mkdir()
    (site / "quiz" / "index.html").write_text("x" * 500)
    report = report_site(site).splitlines()
    total = 2 * FILE_LIMIT + 1 + 2_500
    assert (
        report[0]
        == f"Built site: {site} — 4 files, {human(total)} (GitHub Pages allows {human(SITE_LIMIT)})"
    )
    shown = [
        line.split()[-1] if "<--" not in line else line.split("<--")[0].split()[-1]
        for line in report[2:]
    ]
    assert shown == ["assets/video.mp4", "edge.bin", "index.html", "quiz/index.html"]
    flagged = [line for line in report if "over GitHub Pages' 100 MB file limit" in line]
    assert len(flagged) == 1 and "assets/video.mp4" in flagged[0]
    assert not any(line.startswith("WARNING") for line in report)


def test_report_shows_five_files_and_warns_when_the_site_is_too_big(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for number in range(12):
        sparse(site / f"part-{number:02}.bin", 90_000_000 + number)
    report = report_site(site).splitlines()
    assert "12 files" in report[0]
    listed = [line for line in report if line.startswith("  ")]
    assert [line.split()[-1] for line in listed] == [f"part-{n:02}.bin" for n in (11, 10, 9, 8, 7)]
    assert not any("<--" in line for line in report)
    assert report[-1] == "WARNING: the site is larger than GitHub Pages publishes."


def test_human_sizes() -> None:
    assert [human(n) for n in (0, 999, 1_000, 1_500_000, 100_000_001, 2_000_000_000_000)] == [
        "0 B",
        "999 B",
        "1.0 KB",
        "1.5 MB",
        "100.0 MB",
        "2000.0 GB",
    ]


# --- build.py deploy ---------------------------------------------------------------


def git(*args: str, cwd: Path) -> str:
    assert GIT is not None
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(
        [
            GIT,
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture()
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git configuration, and no repository above tmp_path."""
    if GIT is None:
        pytest.fail("git is needed for the deploy tests", pytrace=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "Test")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "test@example.invalid")


def test_deploy_outside_a_git_repository_says_so(
    isolated_git: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "build.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["deploy"]) == 2
    err = capsys.readouterr().err
    assert "is not a git repository" in err and "git remote add origin" in err


@pytest.mark.parametrize("remote_args", [[], ["-r", "upstream"], ["--remote-name=upstream"]])
def test_deploy_without_the_remote_says_how_to_add_it(
    isolated_git: None, tmp_path: Path, remote_args: list[str]
) -> None:
    git("init", "-q", cwd=tmp_path)
    git("remote", "add", "other", "https://example.invalid/other.git", cwd=tmp_path)
    remote = "upstream" if remote_args else "origin"
    with pytest.raises(BuildError, match=rf"no '{remote}' remote .* `git remote add {remote} "):
        cli.run_deploy(tmp_path, remote_args)


def test_deploy_passes_arguments_through_and_builds_with_the_same_config(
    isolated_git: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git("init", "-q", cwd=tmp_path)
    git("remote", "add", "origin", "https://example.invalid/site.git", cwd=tmp_path)
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(cli, "run_build", lambda root, args: calls.append(("build", args)) or 0)
    monkeypatch.setattr(cli, "_mkdocs", lambda root, args: calls.append(("mkdocs", args)) or 0)
    args = ["-f", "examples/x/mkdocs.yml", "-m", "Publish {sha}", "--site-dir=out"]
    assert cli.run_deploy(tmp_path, args) == 0
    assert calls == [
        ("build", ["-f", "examples/x/mkdocs.yml", "--site-dir", "out"]),
        ("mkdocs", ["gh-deploy", "--force", "--strict", *args]),
    ]


def test_deploy_stops_when_the_build_fails_or_a_file_is_too_big(
    isolated_git: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git("init", "-q", cwd=tmp_path)
    git("remote", "add", "origin", "https://example.invalid/site.git", cwd=tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Small\nsite_dir: public\n")
    pushed: list[list[str]] = []
    monkeypatch.setattr(cli, "_mkdocs", lambda root, args: pushed.append(args) or 0)
    monkeypatch.setattr(cli, "run_build", lambda root, args: 1)
    assert cli.run_deploy(tmp_path, []) == 1
    # The size check looks where the config says the site goes (site_dir: public).
    monkeypatch.setattr(
        cli,
        "run_build",
        lambda root, args: sparse(tmp_path / "public" / "big.zip", FILE_LIMIT + 1) and 0,
    )
    with pytest.raises(BuildError, match=r"refuses files over 100\.0 MB: big\.zip"):
        cli.run_deploy(tmp_path, [])
    assert pushed == []


def test_deploy_pushes_the_built_site_to_gh_pages(
    isolated_git: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = copy_working_tree(tmp_path / "work")
    git("init", "-q", cwd=work)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "fork", cwd=work)
    origin = tmp_path / "origin.git"
    git("init", "-q", "--bare", str(origin), cwd=tmp_path)
    git("remote", "add", "origin", str(origin), cwd=work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("SITE_URL", "https://someone.github.io/stageguide/")
    for name, value in MKDOCS_ENV.items():
        monkeypatch.setenv(name, value)

    assert cli.main(["deploy", "-m", "Publish the guide ({sha})"]) == 0

    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=origin).split())
    expected = {
        "index.html",
        "quiz/index.html",
        "404.html",
        "sitemap.xml",
    }
    assert expected <= files, sorted(expected - files)
    hashed = [  # our files carry a content hash in their name or folder
        r"assets/stageguide/engine\.[0-9a-f]{10}\.js",
        r"assets/stageguide/quiz\.[0-9a-f]{10}\.js",
        r"assets/stageguide/quiz\.[0-9a-f]{10}\.css",
        r"assets/stageguide/worker\.[0-9a-f]{10}\.mjs",
        rf"assets/stageguide/engine/[0-9a-f]{{10}}/{site_quiz_id()}\.json",
        r"assets/stageguide/pyodide/[0-9a-f]{10}/pyodide\.mjs",
        r"assets/stageguide/pyodide/[0-9a-f]{10}/pyodide\.asm\.wasm",
        r"assets/stageguide/pyodide/[0-9a-f]{10}/python_stdlib\.zip",
        r"assets/stageguide/engine/[0-9a-f]{10}/stageguide-[^/]+-cp314-none-any\.whl",
    ]
    for pattern in hashed:
        assert any(re.fullmatch(pattern, name) for name in files), pattern
    assert ".nojekyll" in files, (
        "gh-deploy should add .nojekyll so GitHub Pages serves the files as they are"
    )
    message = git("log", "-1", "--format=%s", "gh-pages", cwd=origin)
    assert message.startswith("Publish the guide ("), message
    not_found = git("show", "gh-pages:404.html", cwd=origin)
    assert 'href="/stageguide/assets/stylesheets/main.' in not_found, (
        "404.html should load its styles from the site's subpath"
    )


# --- the example site ------------------------------------------------------------------


def test_the_example_site_builds_strictly_from_the_repository_root(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            "examples/incident-response/mkdocs.yml",
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=REPO,
        env={**os.environ, **MKDOCS_ENV},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    for page in ("index.html", "quiz/index.html", "404.html", "stages/reactive/index.html"):
        assert (site / page).is_file(), page
    assert len(list(site.glob("assets/stageguide/engine/*/incident-response.json"))) == 1
    quiz = (site / "quiz" / "index.html").read_text(encoding="utf-8")
    assert quiz.count('class="sg-option"') == 10 * 4, "ten statements on a four-point scale"


def test_the_example_quiz_passes_the_checker_with_its_own_pages() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stageguide", "check"], cwd=EXAMPLE, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "ok: quiz/incident-response.yml (incident-response v1: 10 statements, 3 dimensions, 3 stages)"
    )
