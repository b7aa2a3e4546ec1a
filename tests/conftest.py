"""Session fixtures: the compiled core wheel and the two runtimes that run it.

`core` is parametrized (markupsafe style), so one test body runs against the
core in this CPython and against the compiled wheel inside the pinned Pyodide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from cores import CPythonCore, PyodideCore
from paths import REPO, SALES_QUIZ, TEAM_QUIZ
from sitecontent import SAMPLE_SKIP_REASON, reads_the_site, sample_in_use

from stageguide.buildtools.errors import BuildError
from stageguide.buildtools.runtime import node_executable, pyodide_dir
from stageguide.buildtools.wheel import WheelBuild, build_wheel

# Files holding the longest tests (the CI log's slowest durations: the fork 217-281 s, the
# bench 157-195 s, the wheel rebuilds 69-90 s, ...). pytest-xdist hands out files with the
# most tests first, so the first two came last and one worker ran them in turn while the
# other sat idle: the last 3 % of the suite took five minutes. `python build.py test` turns that
# order off (--no-loadscope-reorder) and files go out in the order sorted here.
LONG_FILES = (
    "test_fork.py",
    "test_bench.py",
    "test_wheel_build.py",
    "test_publish.py",
    "browser/test_offline.py",
    "browser/test_deploy.py",
)


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _file_order(items: list[pytest.Item]) -> dict[str, int]:
    """Long files first (LONG_FILES), then files with more tests before files with fewer."""
    counts = Counter(_file(item) for item in items)
    long = {f"tests/{name}": rank for rank, name in enumerate(LONG_FILES)}
    ranked = sorted(counts, key=lambda file: (long.get(file, len(long)), -counts[file]))
    return {file: position for position, file in enumerate(ranked)}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that read the site's own files; skip the sample-content ones in a fork.

    `site`: the test's module uses mkdocs.yml, docs/ or quiz/ (tests/sitecontent.py), so a fork
    that replaces them can change its outcome (tests/test_fork.py runs exactly these there).
    Then order the files for parallel runs (LONG_FILES); a file's own tests keep their order.
    """
    skip = None if sample_in_use() else pytest.mark.skip(reason=SAMPLE_SKIP_REASON)
    for item in items:
        module = getattr(item, "module", None)
        sample = item.get_closest_marker("sample") is not None
        if sample or (module is not None and reads_the_site(module)):
            item.add_marker(pytest.mark.site)
        if sample and skip is not None:
            item.add_marker(skip)
    order = _file_order(items)
    items.sort(key=lambda item: order[_file(item)])


def require_node() -> str:
    """The node binary; without it the Pyodide tests fail (a skip would hide a lost check)."""
    try:
        return node_executable()
    except BuildError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def compiled_wheel(tmp_path_factory: pytest.TempPathFactory) -> WheelBuild:
    """A real build of the core wheel and quiz JSON into a fresh folder, once per session."""
    require_node()
    quizzes = [SALES_QUIZ, TEAM_QUIZ]
    return build_wheel(REPO, quizzes, tmp_path_factory.mktemp("wheel"), progress=lambda line: None)


@pytest.fixture(scope="session")
def pyodide_core(compiled_wheel: WheelBuild) -> Iterator[PyodideCore]:
    core = PyodideCore(require_node(), pyodide_dir(REPO), compiled_wheel.wheel)
    yield core
    core.close()


@pytest.fixture(params=["cpython", pytest.param("pyodide", marks=pytest.mark.pyodide)])
def core(request: pytest.FixtureRequest) -> CPythonCore | PyodideCore:
    if request.param == "pyodide":
        return request.getfixturevalue("pyodide_core")
    return CPythonCore()
