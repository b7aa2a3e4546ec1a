"""Where the site's own content is, and whether it is still this repository's sample.

Engine, build, browser and parity tests use the quiz `mkdocs.yml` names (`site_quiz()`)
or the test models in tests/models/. Tests of the sample's own words and figures carry
`@pytest.mark.sample`; tests/conftest.py skips them, with `SAMPLE_SKIP_REASON`, in a fork
that has replaced the sample, so its site still deploys.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import ModuleType

from paths import DOCS, MKDOCS_YML, NODE_MODULES, REPO, SAMPLE_QUIZ, SCHEMA

from stageguide.buildtools.sitebuild import quiz_path


@functools.cache
def site_quiz() -> Path:
    """The quiz file the stageguide plugin in mkdocs.yml is pointed at (read as the bench reads it)."""
    return quiz_path(MKDOCS_YML)


def sample_in_use() -> bool:
    """True while the site is this repository's sample: mkdocs.yml names quiz/sales-marketing.yml."""
    return site_quiz() == SAMPLE_QUIZ.resolve() and SAMPLE_QUIZ.is_file()


SAMPLE_SKIP_REASON = (
    "checks this repository's sample content (quiz/sales-marketing.yml and its guide in docs/), "
    "but mkdocs.yml names another quiz: this site has replaced the sample"
)


def copy_working_tree(dest: Path) -> Path:
    """The files git would commit (tracked or new, not ignored), node_modules linked, not copied."""
    import shutil
    import subprocess

    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listing.split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (dest / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    return dest


@functools.cache
def reads_the_site(module: ModuleType) -> bool:
    """Whether a test module uses the site's own files: the names a fork's edits reach.

    Those are mkdocs.yml, docs/ and quiz/ (paths.py) and the helpers that read or build
    them (here and in sitebuild.py). A test module that uses none of them runs the same in a
    fork as here, so the fork test need not run it again. Asked once per module.
    """
    return any(id(value) in _site_name_ids() for value in vars(module).values())


@functools.cache
def _site_name_ids() -> frozenset[int]:
    import sitebuild

    site_names = (
        MKDOCS_YML, DOCS, SAMPLE_QUIZ, SCHEMA, site_quiz, sample_in_use, copy_working_tree,
        sitebuild.variant_config, sitebuild.build_site, sitebuild.serve_site,
    )  # fmt: skip
    return frozenset(id(name) for name in site_names)
