"""The guided editor: a strategy written and revised in a form, without YAML."""

from service.editor.views import blueprint

__all__ = ["blueprint"]
