"""The høringsnotat as its own files: a PDF through the theme's HTML, and a DOCX."""

from worker.render.hearing.docx import render_hearing_notes_docx
from worker.render.hearing.pdf import render_hearing_notes_pdf

__all__ = ["render_hearing_notes_docx", "render_hearing_notes_pdf"]
