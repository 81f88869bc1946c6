"""The outputs a draft is rendered to: the registry of their names, files and media types.

Each output is one entry here (name, file extension and name suffix, media type, whether
it shows a draft, what changed between two versions or the draft's høringsnotat, its
place in listings). The store, the history, the API and its OpenAPI document, the pages,
the CLI and the worker all read this registry; the worker attaches a renderer to each
name (worker.render), so adding an output is one renderer module and one entry in each
of the two registries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from core import budget
from core.content import Strategy
from core.errors import UdkastError

# "draft": a file of the draft itself, rendered for every build. "comparison": what
# changed since the previous version, rendered from version 2 on. "hearing": the
# høringsnotat of the draft's consultation inputs, rendered for every version that has
# inputs (with the changes each caused since the previous version, when there is one).
Kind = Literal["draft", "comparison", "hearing"]
KINDS: tuple[Kind, ...] = ("draft", "comparison", "hearing")

PDF = "application/pdf"
# The archival PDF (PDF/A-2a that is also PDF/UA-1): a draft output a build renders only
# when it asks for it, with `pdf: archival` (or the server's UDKAST_PDF default).
ARCHIVAL_PDF = "pdf-archival"
PDF_CHOICES = ("standard", "archival")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Output names travel in task messages, database rows and JSON keys; extensions and
# suffixes end up in file names that are also URL path segments.
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EXTENSION = re.compile(r"[a-z0-9]+")
_SUFFIX = re.compile(r"(?:-[a-z0-9]+)*")


class UnknownOutput(UdkastError):
    """No output of that name is registered."""


@dataclass(frozen=True)
class Output:
    """One output a build can have, e.g. "changes-pdf": the PDF of what changed."""

    name: str  # as the API, the database and the task messages name it
    extension: str  # of its file name, without the dot
    suffix: str  # after the file name's stem, e.g. "-changes"
    media_type: str
    kind: Kind
    order: int  # its place in listings: lower first
    # udkast lays out the document's pages (or a redline of them) in it, so its cost
    # grows with the document's length: a heavy document's build sends it to the bulk
    # lane, and its other outputs (Word lays out a DOCX; a høringsnotat grows with the
    # inputs) to the standard one, beside it.
    lays_out_document: bool = False

    def file_name(self, stem: str) -> str:
        """Return the file name of this output of a draft whose file names start with `stem`."""
        return f"{stem}{self.suffix}.{self.extension}"


_REGISTRY: dict[str, Output] = {}


def register(output: Output) -> Output:
    """Add an output to the registry; raise ValueError if it clashes with a registered one."""
    if not _NAME.fullmatch(output.name):
        raise ValueError(f"an output name is lower-case words joined by hyphens: {output.name!r}")
    if not _EXTENSION.fullmatch(output.extension) or not _SUFFIX.fullmatch(output.suffix):
        raise ValueError(f"output {output.name!r}: bad file extension or name suffix")
    if output.kind not in KINDS:
        raise ValueError(f"output {output.name!r}: kind is one of {', '.join(KINDS)}")
    if output.name in _REGISTRY:
        raise ValueError(f"an output named {output.name!r} is registered already")
    for other in _REGISTRY.values():
        # A download is found by its file name alone (output_of), so no two may share one.
        if (other.suffix, other.extension) == (output.suffix, output.extension):
            raise ValueError(f"outputs {other.name!r} and {output.name!r} would share file names")
    _REGISTRY[output.name] = output
    return output


def unregister(name: str) -> None:
    """Remove an output from the registry (builds that already have it keep their rows)."""
    _REGISTRY.pop(name, None)


def registered() -> tuple[Output, ...]:
    """Return every registered output, in listing order."""
    return tuple(sorted(_REGISTRY.values(), key=lambda o: (o.order, o.name)))


def output_names(kind: Kind | None = None) -> tuple[str, ...]:
    """Return the names of the registered outputs (of one kind, if given), in listing order."""
    return tuple(o.name for o in registered() if kind is None or o.kind == kind)


def draft_outputs() -> tuple[str, ...]:
    """Return the outputs every build renders: the draft's own files."""
    return output_names("draft")


def draft_outputs_for(pdf: str) -> tuple[str, ...]:
    """Return the draft outputs a build renders for a PDF choice ("standard" or "archival")."""
    if pdf not in PDF_CHOICES:
        raise ValueError(f"pdf is one of {', '.join(PDF_CHOICES)}, not {pdf!r}")
    # The archival PDF comes in addition to the PDF, never instead: the PDF is what the
    # pages, the preview and published links show, and both can exist for one version.
    return tuple(o for o in draft_outputs() if pdf == "archival" or o != ARCHIVAL_PDF)


def comparison_outputs() -> tuple[str, ...]:
    """Return the outputs a build of version 2 or later renders too: what changed."""
    return output_names("comparison")


def hearing_outputs(strategy: Strategy) -> tuple[str, ...]:
    """Return the outputs a build of this strategy renders for its inputs (none without any)."""
    # A draft without consultation inputs has no høringsnotat: its build stays as it was.
    return output_names("hearing") if strategy.consultation else ()


def output_lane(output: str, document: str, changes: str = budget.STANDARD) -> str:
    """Return the lane one output of a build is rendered in, from the build's two lanes."""
    # Only what lays out the document's pages (its PDFs, the redline's) is heavy: a
    # heavy document's DOCX (about 0.2 s for 160 pages), tracked changes and høringsnotat
    # render on the standard lane beside its PDF, not after it on the bulk lane.
    found = _REGISTRY.get(output)
    if found is None:
        return document
    if not found.lays_out_document:
        return budget.STANDARD
    return changes if found.kind == "comparison" else document


def find_output(name: str) -> Output | None:
    """Return the registered output of that name, or None."""
    return _REGISTRY.get(name)


def output_named(name: str) -> Output:
    """Return the registered output of that name; raise UnknownOutput if there is none."""
    found = _REGISTRY.get(name)
    if found is None:
        raise UnknownOutput(f"unknown output {name!r}; choose from {', '.join(output_names())}")
    return found


def in_listing_order(names: Iterable[str]) -> tuple[str, ...]:
    """Return output names in listing order; names no longer registered come last, by name."""
    last = max((o.order for o in _REGISTRY.values()), default=0) + 1

    def place(name: str) -> tuple[int, str]:
        found = _REGISTRY.get(name)
        return (found.order if found else last, name)

    return tuple(sorted(names, key=place))


def in_start_order(names: Iterable[str]) -> tuple[str, ...]:
    """Return output names in the order their renders should start: page layouts first.

    A build's outputs share a few processes; the longest renders, those that lay out a
    document's pages (its PDFs, the redline's), start first and the rest (a fraction of
    a second each) fill the gaps, so the last file is ready sooner than in listing order.
    """
    ordered = in_listing_order(names)
    return tuple(
        sorted(
            ordered, key=lambda name: not getattr(_REGISTRY.get(name), "lays_out_document", False)
        )
    )


def slugify(text: str) -> str:
    """Turn a label such as "Udkast 2" into "udkast-2" (ASCII, lower case, hyphens)."""
    folded = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    folded = folded.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def stem(slug: str, label: str | None, version: int | None = None) -> str:
    """Return `<slug>-<draft label or vN>`, e.g. "socialstrategi-udkast-2"."""
    tail = slugify(label or "") or (f"v{version}" if version is not None else "")
    return f"{slug}-{tail}" if tail else slug


def artifact_stem(strategy: Strategy, version: int | None = None) -> str:
    """Return the file name stem of a strategy's artifacts."""
    return stem(strategy.document.slug, strategy.document.draft_label, version)


def artifact_name(slug: str, version: int, label: str | None, output: str) -> str:
    """Return the download name of a draft's output, e.g. "socialstrategi-udkast-2-changes.pdf"."""
    return output_named(output).file_name(stem(slug, label, version))


def file_stems(slug: str, drafts: Iterable[tuple[int, str | None]]) -> dict[int, str]:
    """Return each version's file name stem, unique across the slug's versions.

    `drafts` are (version, label) pairs. A version keeps `stem(slug, label, version)`
    unless an earlier version has that stem already (the same label posted again, or
    an older draft's content posted again): then the version is added, e.g.
    "socialstrategi-udkast-1-v4", so no two versions' files share a name. Earlier
    versions are never renamed by later ones, so published links keep working.
    """
    stems: dict[int, str] = {}
    taken: set[str] = set()
    for version, label in sorted(drafts, key=lambda pair: pair[0]):
        plain = stem(slug, label, version)
        candidate, extra = plain, 1
        while candidate in taken:
            candidate = f"{plain}-v{version}" + (f"-{extra}" if extra > 1 else "")
            extra += 1
        stems[version] = candidate
        taken.add(candidate)
    return stems


def file_name(file_stem: str, output: str) -> str:
    """Return the download name of an output of the draft whose files start with `file_stem`."""
    return output_named(output).file_name(file_stem)


def output_of(slug: str, version: int, label: str | None, filename: str) -> str | None:
    """Return which output a published file name names, or None if it names none."""
    for output in registered():
        if artifact_name(slug, version, label, output.name) == filename:
            return output.name
    return None


def output_of_stems(stems: Iterable[str], filename: str) -> str | None:
    """Return which output `filename` names for a draft whose files may start with any of `stems`.

    A version renamed by file_stems is also found by its older, label-only name.
    """
    for candidate in stems:
        for output in registered():
            if output.file_name(candidate) == filename:
                return output.name
    return None


for _builtin in (
    Output("pdf", "pdf", "", PDF, "draft", order=10, lays_out_document=True),
    Output(ARCHIVAL_PDF, "pdf", "-arkiv", PDF, "draft", order=15, lays_out_document=True),
    Output("docx", "docx", "", DOCX, "draft", order=20),
    Output("changes-pdf", "pdf", "-changes", PDF, "comparison", order=30, lays_out_document=True),
    Output("changes-docx", "docx", "-changes", DOCX, "comparison", order=40),
    Output("hearing-notes-pdf", "pdf", "-hoeringsnotat", PDF, "hearing", order=50),
    Output("hearing-notes-docx", "docx", "-hoeringsnotat", DOCX, "hearing", order=60),
):
    register(_builtin)
