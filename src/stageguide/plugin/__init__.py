"""The MkDocs plugin that turns a quiz definition into a quiz page scored in the browser."""

from .plugin import StageguidePlugin

__all__ = ["StageguidePlugin"]
