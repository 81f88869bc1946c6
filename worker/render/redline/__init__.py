"""The redline: the new draft as DOCX with Word tracked changes against the old one."""

from worker.render.redline.document import render_redline_docx

__all__ = ["render_redline_docx"]
