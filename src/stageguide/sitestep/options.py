"""The step's settings: the `stageguide` plugin options, read from mkdocs.yml by any generator.

MkDocs validates them through the plugin's `Config` (plugin/config.py); a generator
that ignores MkDocs plugins (Zensical) leaves them unread, so `read_site_config`
reads mkdocs.yml itself and checks the same options with messages that name the
file and the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import SiteStepError

RUNTIMES = ("self-hosted", "cdn")
STDLIBS = ("trimmed", "full")


@dataclass(frozen=True)
class StepOptions:
    """The plugin options of README's table, with the same defaults."""

    enabled: bool = True
    quiz: str = "quiz/sales-marketing.yml"
    runtime: str = "self-hosted"
    cdn_url: str = ""
    engine_timeout: float = 20
    stdlib: str = "trimmed"
    offline: bool = True
    startup_snapshot: bool = True
    csp: bool = True
    node_modules: str | None = None
    cache_dir: str = ".cache/plugin/stageguide"


@dataclass(frozen=True)
class SiteConfig:
    """What the step needs of mkdocs.yml besides the plugin options."""

    config_file: Path
    docs_dir: Path
    site_dir: Path
    use_directory_urls: bool
    options: StepOptions = field(default_factory=StepOptions)

    @property
    def config_dir(self) -> Path:
        return self.config_file.parent

    @property
    def quiz_file(self) -> Path:
        """The quiz the plugin reads: `quiz` is relative to mkdocs.yml's folder."""
        return (self.config_dir / self.options.quiz).resolve()


class _Loader(yaml.SafeLoader):
    """Safe YAML plus the two tags mkdocs.yml files use: `!ENV` and `!!python/name:`."""


def _env(loader: _Loader, node: yaml.Node) -> Any:
    # `!ENV VAR` or `!ENV [VAR, OTHER, default]`: the first variable set wins, as in MkDocs.
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode) and node.value:
        items = loader.construct_sequence(node)
        names, default = items[:-1], items[-1]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, "!ENV takes a variable name or a list [NAME, ..., default]", node.start_mark
        )
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return yaml.safe_load(os.environ[name]) if os.environ[name] else ""
    return default


def _python_name(loader: _Loader, suffix: str, node: yaml.Node) -> str:
    # Markdown extension hooks (emoji): the step never calls them, the generator does.
    return suffix


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


def read_site_config(config_file: Path, site_dir: Path | None = None) -> SiteConfig:
    """mkdocs.yml's folders and the stageguide options; a mistake raises SiteStepError naming the key."""
    config_file = config_file.resolve()
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as error:
        raise SiteStepError(f"stageguide: cannot read {config_file}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise SiteStepError(f"stageguide: {config_file} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise SiteStepError(f"stageguide: {config_file}: expected a mapping of settings")
    data = _inherit(config_file, data)
    here = config_file.parent
    return SiteConfig(
        config_file=config_file,
        docs_dir=(here / str(data.get("docs_dir", "docs"))).resolve(),
        site_dir=(site_dir or here / str(data.get("site_dir", "site"))).resolve(),
        use_directory_urls=bool(data.get("use_directory_urls", True)),
        options=_plugin_options(config_file, data.get("plugins")),
    )


def _inherit(config_file: Path, data: dict[str, Any]) -> dict[str, Any]:
    """`INHERIT: parent.yml`, merged as MkDocs and Zensical do: mappings deeply, the child winning."""
    parent_name = data.pop("INHERIT", None)
    if parent_name is None:
        return data
    parent_file = (config_file.parent / str(parent_name)).resolve()
    try:
        parent = yaml.load(parent_file.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, yaml.YAMLError) as error:
        raise SiteStepError(
            f"stageguide: {config_file}: INHERIT: cannot read {parent_file}: {error}"
        ) from None
    return _merge(_inherit(parent_file, dict(parent or {})), data)


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _plugin_options(config_file: Path, plugins: Any) -> StepOptions:
    entries: list[Any] = []
    if isinstance(plugins, list):
        entries = plugins
    elif isinstance(plugins, dict):
        entries = [{name: value} for name, value in plugins.items()]
    for entry in entries:
        if entry == "stageguide":
            return StepOptions()
        if isinstance(entry, dict) and "stageguide" in entry:
            return options_from_mapping(
                entry["stageguide"] or {}, f"{config_file}: plugins.stageguide"
            )
    raise SiteStepError(
        f"stageguide: {config_file}: plugins: no `stageguide` entry; add `- stageguide:` with "
        "`quiz: quiz/<your quiz>.yml` under plugins (README, Plugin options)"
    )


def options_from_mapping(values: Any, where: str) -> StepOptions:
    """Check each option's type and choice as the plugin's Config does; unknown keys are errors."""
    if not isinstance(values, dict):
        raise SiteStepError(f"stageguide: {where}: expected a mapping of options, got {values!r}")
    known = {f.name for f in fields(StepOptions)}
    problems = [f"{where}.{key}: unknown option" for key in values if key not in known]
    for key, value in values.items():
        if key in known and (problem := _check(key, value)):
            problems.append(f"{where}.{key}: {problem}, got {value!r}")
    if problems:
        raise SiteStepError(
            "stageguide: bad plugin options:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return StepOptions(**{key: value for key, value in values.items()})


def _check(key: str, value: Any) -> str | None:
    if key in ("enabled", "offline", "startup_snapshot", "csp"):
        return None if isinstance(value, bool) else "expected true or false"
    if key == "engine_timeout":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else "expected a number of seconds"
    if key == "runtime":
        return None if value in RUNTIMES else f"expected one of {', '.join(RUNTIMES)}"
    if key == "stdlib":
        return None if value in STDLIBS else f"expected one of {', '.join(STDLIBS)}"
    if key == "node_modules":
        return None if value is None or isinstance(value, str) else "expected a folder name"
    return None if isinstance(value, str) else "expected text"
