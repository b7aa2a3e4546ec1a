"""Session fixtures: the compiled core wheel and the two runtimes that run it.

`core` is parametrized (markupsafe style), so one test body runs against the
core in this CPython and against the compiled wheel inside the pinned Pyodide.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cores import CPythonCore, PyodideCore
from paths import REPO, SALES_QUIZ, TEAM_QUIZ
from sitecontent import SAMPLE_SKIP_REASON, reads_the_site, sample_in_use

from stageguide.buildtools.errors import BuildError
from stageguide.buildtools.runtime import node_executable, pyodide_dir
from stageguide.buildtools.wheel import WheelBuild, build_wheel


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that read the site's own files; skip the sample-content ones in a fork.

    `site`: the test's module uses mkdocs.yml, docs/ or quiz/ (tests/sitecontent.py), so a fork
    that replaces them can change its outcome (tests/test_fork.py runs exactly these there).
    """
    skip = None if sample_in_use() else pytest.mark.skip(reason=SAMPLE_SKIP_REASON)
    for item in items:
        module = getattr(item, "module", None)
        sample = item.get_closest_marker("sample") is not None
        if sample or (module is not None and reads_the_site(module)):
            item.add_marker(pytest.mark.site)
        if sample and skip is not None:
            item.add_marker(skip)


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
