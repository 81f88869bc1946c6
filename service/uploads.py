"""Read a strategy document out of an HTTP request: the API's body or the web form.

Every way in reads the whole body or refuses it: a body sent without a length
(`Transfer-Encoding: chunked`) is checked one byte past the size limit, since Werkzeug
stops reading it at MAX_CONTENT_LENGTH without saying that more was sent, and a cut
document can still be valid.
"""

from __future__ import annotations

from typing import IO

from flask import Request, g
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wsgi import LimitedStream

from core.content import Strategy, load, validate
from core.errors import (
    InputTooLarge,
    InvalidContent,
    MalformedInput,
    Problem,
    UnsupportedMediaType,
)
from core.loading import JSON_TYPES, YAML_TYPES
from core.outputs import PDF_CHOICES, draft_outputs_for
from core.themes import available_themes, theme_folder
from core.wordfile import open_word_file
from core.wordfile.comments import add_inputs, read_comments
from core.wordfile.content import identity, read_content, revisions_by_author, revisions_note
from core.wordfile.errors import malformed
from core.wordfile.richtext import Revisions
from core.wordfile.template import read_template
from service.runtime import runtime, session
from store import DraftRecord, draft_content, latest_build, latest_draft

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ACCEPTED = (
    "application/json, application/yaml, a DOCX udkast made "
    f"({DOCX_TYPE}) or multipart/form-data with a file field"
)
FILE_FIELD = "file"
TEXT_FIELD = "text"


class UploadRequest(Request):
    """Flask's request, which also closes the temporary files of file parts cut short.

    Werkzeug's form parser opens a file for each file part, but hands over (and so
    closes, in Request.close) only the parts that end: a body cut at MAX_CONTENT_LENGTH
    inside a part would leave that part's file open until the garbage collector.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        stream = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        self.__dict__.setdefault("_part_files", []).append(stream)
        return stream

    def close(self) -> None:
        """Close the parsed files and every file a part was written to."""
        super().close()
        for stream in self.__dict__.get("_part_files", ()):
            stream.close()


def read_strategy(request: Request) -> Strategy:
    """Return the validated strategy an API request carries, or raise a domain error."""
    # The document may be as large as the request may be: MAX_CONTENT_LENGTH governs both.
    limit = runtime().settings.max_content_length
    _refuse_content_coding(request)
    # Checked whatever is sent: a misspelt option is refused, not ignored for a YAML body.
    options = word_options(request)
    media_type = request.mimetype
    if media_type == "multipart/form-data":
        upload = uploaded_file(request)
        if upload is None:
            raise MalformedInput(
                f"the form has no file: send the document in a field named {FILE_FIELD!r}"
            )
        return _load_file(upload, limit, *options)
    if media_type in JSON_TYPES | YAML_TYPES:
        return load(read_body(request), media_type, max_bytes=limit)
    if media_type == DOCX_TYPE:
        return load_word(read_body(request), *options)
    shown = media_type or "no Content-Type"
    raise UnsupportedMediaType(f"cannot read {shown}: send {ACCEPTED}")


def read_form_strategy(request: Request) -> Strategy:
    """Return the validated strategy the web form carries: its file, or else the pasted text."""
    limit = runtime().settings.max_content_length
    _refuse_content_coding(request)
    if request.mimetype != "multipart/form-data":
        # The page sends multipart; a URL-encoded body would turn bytes that are not
        # UTF-8 into other text without a word.
        raise UnsupportedMediaType(_("Formularen skal sendes som multipart/form-data."))
    upload = uploaded_file(request)
    pasted = request.form.get(TEXT_FIELD, "")
    if upload is not None and pasted.strip():
        # Taking one and dropping the other would store a draft the person did not mean.
        # The page says so in its language, and keeps the pasted text in the form.
        raise MalformedInput(
            _(
                "Du har både valgt en fil og indsat tekst. Vælg én af dem: teksten står "
                "stadig i feltet herunder; send den igen, eller tøm feltet og vælg filen."
            )
        )
    if upload is not None:
        return _load_file(upload, limit, *word_options(request))
    if not pasted.strip():
        raise MalformedInput(_("Vælg en fil, eller indsæt indholdet."))
    if "\ufffd" in pasted:
        # The form parser puts U+FFFD where the bytes were not UTF-8; the API refuses
        # such bytes, and so does the form, instead of storing the damage.
        raise MalformedInput(
            _(
                "Den indsatte tekst indeholder U+FFFD (%(mark)s), tegnet for tekst, der ikke "
                "var gyldig UTF-8: indsæt den igen fra kilden, eller upload filen.",
                mark="\ufffd",
            )
        )
    return load(pasted.encode("utf-8"), "application/yaml", max_bytes=limit)


def load_word(data: bytes, revisions: str = "accept", strict: bool = False) -> Strategy:
    """Return the next draft a DOCX udkast made carries, read onto its strategy's latest.

    Tracked changes are read as accepted, or as rejected; `revisions="refuse"` refuses a
    file that has any. With `strict`, anything the file could not bring back refuses it.
    """
    package = open_word_file(data)
    made_from = identity(package)
    # The empty Word template names no strategy: it becomes the first version of one.
    latest = None if made_from.template else latest_draft(session(), made_from.slug)
    if latest is None and not made_from.template:
        raise malformed(
            f"the Word file belongs to the strategy {made_from.slug!r}, which has no version "
            "here; upload its YAML or JSON first",
            code="word_unknown_strategy",
            slug=made_from.slug,
        )
    note = revisions_note(revisions_by_author(package), revisions)
    if revisions == "refuse" and note is not None:
        raise InvalidContent([note])
    reading: Revisions = "reject" if revisions == "reject" else "accept"
    if latest is None:
        read = read_template(package, reading)
    else:
        read = read_content(package, draft_content(latest).to_data(), reading)
    lost = [*package.warnings, *read.warnings]  # what the file could not bring back
    if strict and lost:
        refused = Problem("", "refused on warnings", code="word_refused_on_warnings")
        raise InvalidContent([*lost, refused])
    read.warnings[:0] = package.warnings
    if note is not None:
        read.warnings.append(note)
    # Comments in the margin are input the next draft must answer: each new one (not
    # imported from an earlier round) becomes a pending consultation input.
    added = add_inputs(read.data, read_comments(package, reading))
    if added:
        read.warnings.append(
            Problem(
                "",
                f"{added} comment(s) became consultation input awaiting a response",
                code="word_comments_added",
                args=(("count", str(added)),),
            )
        )
    g.upload_warnings = read.warnings  # the view says what could not come back
    strategy = validate(read.data)
    taken = latest_draft(session(), strategy.document.slug) if made_from.template else None
    if taken is not None and draft_content(taken).to_data() != strategy.to_data():
        # The title names a strategy that exists: its next version must not come from a
        # template filled in by someone who did not know of it. The same content is no
        # new version, as any upload.
        slug = strategy.document.slug
        message = f"the title names the strategy {slug!r}, which exists with other content"
        problem = Problem(
            "document.title", message, code="word_template_slug_taken", args=(("slug", slug),)
        )
        raise InvalidContent([problem])
    g.upload_source = data  # kept with the version it makes
    return strategy


def upload_warnings() -> list[Problem]:
    """Return what the request's Word file could not bring back (empty for other files)."""
    found: list[Problem] = g.get("upload_warnings", [])
    return found


def uploaded_word_file() -> bytes | None:
    """Return the Word file the request's draft was read from (None for other files)."""
    data: bytes | None = g.get("upload_source")
    return data


def read_body(request: Request) -> bytes:
    """Return the whole request body, or raise InputTooLarge when it exceeds the limit."""
    data = request.get_data(cache=False)
    refuse_cut_body(request)
    return data


def uploaded_file(request: Request) -> FileStorage | None:
    """Return the one file a form sends in its `file` field (None if it sends none).

    A file in another field, or a second one, is refused rather than ignored.
    """
    files = request.files
    refuse_cut_body(request)
    for name in files:
        if name != FILE_FIELD:
            raise MalformedInput(
                f"the form sends a file in the field {name!r}: "
                f"send the document in a field named {FILE_FIELD!r}"
            )
    # A browser sends an empty part without a name when no file was chosen.
    chosen = [f for f in files.getlist(FILE_FIELD) if f.filename]
    if len(chosen) > 1:
        raise MalformedInput(f"the form sends {len(chosen)} files: send one document")
    return chosen[0] if chosen else None


def refuse_cut_body(request: Request) -> None:
    """Raise InputTooLarge if the body, read up to the size limit, went on past it.

    Werkzeug compares a declared Content-Length with the limit itself. A body without
    one is read through a stream that stops at the limit; one more byte from the
    server's own stream tells a body of exactly the limit from a longer one.
    """
    if request.content_length is not None:
        return
    stream = request.stream
    if not isinstance(stream, LimitedStream) or not stream.is_exhausted:
        return
    if request.environ["wsgi.input"].read(1):
        raise InputTooLarge(f"the request is larger than {stream.limit // 1024} KiB")


def word_options(request: Request) -> tuple[str, bool]:
    """Return how to read a Word file: its tracked changes, and whether to refuse on warnings.

    The API reads them from the query; the web form sends them as fields.
    """
    values = request.form if request.mimetype == "multipart/form-data" else request.args
    revisions = request.args.get("revisions") or values.get("revisions", "accept")
    if revisions not in ("accept", "reject", "refuse"):
        raise MalformedInput(
            _(
                "revisions skal være accept, reject eller refuse, ikke %(value)s",
                value=repr(revisions[:40]),
            )
        )
    strict = request.args.get("strict") or values.get("strict", "false")
    if strict not in ("true", "false"):
        raise MalformedInput(
            _("strict skal være true eller false, ikke %(value)s", value=repr(strict[:40]))
        )
    return revisions, strict == "true"


def pdf_outputs(request: Request) -> tuple[str, ...]:
    """Return the draft outputs the request asks for by `pdf` (standard or archival).

    The API reads `pdf` from the query or a multipart field; the web form sends a field.
    Without one, the server's default (UDKAST_PDF) decides.
    """
    values = request.args.getlist("pdf")
    if request.mimetype == "multipart/form-data":
        values += request.form.getlist("pdf")
    if len(values) > 1:
        raise MalformedInput(_("send pdf én gang"))
    choice = values[0].strip() if values else runtime().settings.pdf
    if choice not in PDF_CHOICES:
        raise MalformedInput(
            _("pdf skal være standard eller archival, ikke %(value)s", value=repr(choice[:40]))
        )
    return draft_outputs_for(choice)


def build_theme(request: Request) -> str:
    """Return the theme a build asks for by `theme` (query or form field), else the server's.

    A name that is not an installed theme is refused, naming the installed ones.
    """
    values = request.args.getlist("theme")
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        values += request.form.getlist("theme")
    if len(values) > 1:
        raise MalformedInput(_("send theme én gang"))
    choice = values[0].strip() if values else runtime().settings.theme
    if theme_folder(choice) is None:
        raise MalformedInput(
            _(
                "theme skal være et af de installerede designs (%(names)s), ikke %(value)s",
                names=", ".join(available_themes()),
                value=repr(choice[:40]),
            )
        )
    return choice


def theme_of(draft: DraftRecord) -> str:
    """Return the theme the draft was last built in, if it is still installed."""
    build = latest_build(session(), draft.id)
    if build is not None and theme_folder(build.theme) is not None:
        return build.theme
    return runtime().settings.theme  # never built, or its theme was removed since


def _load_file(
    upload: FileStorage, limit: int, revisions: str = "accept", strict: bool = False
) -> Strategy:
    # The file's own name and type only choose the parser; they are never stored.
    data = upload.read(limit + 1)
    if upload.mimetype == DOCX_TYPE or (upload.filename or "").lower().endswith(".docx"):
        if len(data) > limit:
            raise InputTooLarge(f"the file is larger than {limit // 1024} KiB")
        return load_word(data, revisions, strict)
    return load(data, _declared(upload.mimetype), upload.filename or "upload.yaml", max_bytes=limit)


def _refuse_content_coding(request: Request) -> None:
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    if coding not in ("", "identity"):
        raise UnsupportedMediaType(
            f"cannot read a body sent with Content-Encoding: {coding}; send it uncompressed"
        )


def _declared(media_type: str | None) -> str | None:
    """Keep a browser's declared type only when it names one we read."""
    return media_type if media_type in JSON_TYPES | YAML_TYPES else None
