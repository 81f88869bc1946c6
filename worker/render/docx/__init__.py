"""The DOCX writer: a document view laid out with Word styles, tables, fields and fonts."""

from worker.render.docx.document import render_docx

__all__ = ["render_docx"]
