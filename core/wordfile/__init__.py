"""Open an uploaded Word file (DOCX) safely, with the standard library's zipfile and lxml.

`open_word_file` refuses what is not a DOCX or is hostile (a ZIP bomb, entities, macros,
thousands of comments) with the project's errors, before anything reads the content;
what a reader will leave out (linked files, embedded objects, imported files) is listed
in the package's `warnings`.
"""

from core.wordfile.errors import WordFileTooLarge, WordFileUnsupported
from core.wordfile.limits import WordLimits
from core.wordfile.opc import Relationship
from core.wordfile.package import WordPackage, open_word_file

__all__ = [
    "Relationship",
    "WordFileTooLarge",
    "WordFileUnsupported",
    "WordLimits",
    "WordPackage",
    "open_word_file",
]
