"""The step on a site another generator built from the same mkdocs.yml (Zensical).

MkDocs runs the step from inside the build (plugin/plugin.py) and links our
styles and scripts through `extra_css`/`extra_javascript`. Here the pages are
already written, so the step edits them where the theme would have put those
links: stylesheets at the end of `<head>`, scripts at the end of `<body>`, after
the theme's own bundle, as Material's and Zensical's `base.html` both do.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from .csp import META_NAME
from .errors import SiteStepError
from .offline import SW_NAME
from .options import SiteConfig
from .step import SiteStep
from .urls import page_url, relative_url

# The theme's repository link asks the code host's API for stars and forks from every
# visitor's browser; MkDocs builds drop it through overrides/partials/source.html.
SOURCE_COMPONENT = ' data-md-component="source"'


def apply_to_built_site(config: SiteConfig, log: Callable[[str], None] = print) -> int:
    """Render the markers, add our files, link them, secure the pages; returns the pages changed."""
    site_dir = config.site_dir
    if not (site_dir / "index.html").is_file():
        raise SiteStepError(
            f"stageguide: {site_dir} holds no built site (no index.html); build it first, e.g. `zensical build`"
        )
    if (site_dir / SW_NAME).exists() or META_NAME in (site_dir / "index.html").read_text(
        encoding="utf-8"
    ):
        raise SiteStepError(
            f"stageguide: {site_dir} has been through this step already; build it again first "
            "(the step edits the generator's fresh output)"
        )
    if not config.options.enabled:
        log("stageguide: the plugin is turned off (enabled: false); the site is left as it is")
        return 0
    step = SiteStep(config.options, log=log)
    # The strict build's check: every stage page the quiz links to must exist.
    step.prepare(config.config_dir, is_page=lambda path: (config.docs_dir / path).is_file())
    added = step.site_files()
    for dest, source in added.items():
        target = site_dir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    step.pin(added)
    stage_urls = {
        stage.page: page_url(stage.page, config.use_directory_urls)
        for stage in (step.quiz.stages if step.quiz else ())
    }
    changed = 0
    for path in sorted(site_dir.rglob("*.html")):
        dest = path.relative_to(site_dir).as_posix()
        url = _url_of(dest, config.use_directory_urls)
        text = path.read_text(encoding="utf-8")
        html = step.render_markers(text, url, dest, stage_urls) or text
        html = link_assets(html, url, step.stylesheets, step.scripts)
        html = html.replace(SOURCE_COMPONENT, "")
        if html != text:
            path.write_text(html, encoding="utf-8")
            changed += 1
    if not step.engine_pages:
        log("stageguide: no page holds <!-- stageguide:quiz --> or <!-- stageguide:team -->")
    step.finish(site_dir)
    return changed


def link_assets(html: str, url: str, stylesheets: list[str], scripts: list[str]) -> str:
    """Link our stylesheets and scripts as the theme links `extra_css` and `extra_javascript`."""
    head, body = html.rfind("</head>"), html.rfind("</body>")
    if head < 0 or body < 0:
        return html  # not a theme page (a redirect stub): nothing runs there
    links = "".join(
        f'<link rel="stylesheet" href="{relative_url(path, url)}">' for path in stylesheets
    )
    tags = "".join(f'<script src="{relative_url(path, url)}"></script>' for path in scripts)
    return html[:head] + links + html[head:body] + tags + html[body:]


def _url_of(dest: str, use_directory_urls: bool) -> str:
    """The page URL of a built file, as MkDocs' Page.url gives it (`` for the home page)."""
    if use_directory_urls and (dest == "index.html" or dest.endswith("/index.html")):
        return dest[: -len("index.html")]
    return dest
