"""One view of a document, built once from a validated strategy, walked by every output.

The parts in reading order, the indicator groups, the draft mark, the timeline with its
symbols, the formatted dates and the labels are decided here, in the draft's language;
the PDF template, the DOCX writer and the redline writer only lay them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Literal, TypeVar

from pydantic import BaseModel

from core import richtext
from core.consultation import part_names
from core.content import DocumentInfo, Indicator, Strategy, Vision
from core.labels import format_date, labels

# Defined beside the milestone matching, which the comparison (core.parts) uses without
# importing this module (that would be a cycle); re-exported for the renderers.
from core.matching import in_date_order as in_date_order
from core.richtext import Block

PartKind = Literal["foreword", "visions", "indicators", "section", "timeline", "consultation"]

# Symbols carry a milestone's state without colour, and a word says it too. "×" rather
# than "✕": the theme font (Lato) has it.
STATE_SYMBOLS = {"done": "●", "planned": "○", "cancelled": "×"}


@dataclass(frozen=True)
class Heading:
    """A part's heading: its anchor (HTML id), its text, and whether it starts a page.

    The first part starts a page (after the contents, which keeps a page of its own, as
    the cover does). In an ordinary document every other part flows on, so a short part
    leaves no nearly empty page. In a long one (`LONG_DOCUMENT_WORDS`) each part of at
    least `CHAPTER_WORDS` starts a page too, as a report's chapters do: the PDF is then
    printed chapter by chapter in parallel (worker/render/parts). `document_view` sets
    it; renderers keep a heading with what follows it.
    """

    anchor: str
    text: str
    new_page: bool = False


@dataclass(frozen=True)
class Foreword:
    """The foreword: rich text under its own heading."""

    kind: ClassVar[PartKind] = "foreword"
    heading: Heading
    text: str
    body: tuple[Block, ...]


@dataclass(frozen=True)
class Card:
    """A vision as a card: its number in reading order and its parsed body."""

    vision: Vision
    number: int
    anchor: str
    body: tuple[Block, ...]
    # Over about half a page (CARD_BREAK_WORDS): kept whole, it would leave a page's
    # foot empty, or its chapter's heading alone above it, so it may break across pages.
    breaks: bool = False


@dataclass(frozen=True)
class Visions:
    """The visions, one card each; the part is there even when it is the only one."""

    kind: ClassVar[PartKind] = "visions"
    heading: Heading
    cards: tuple[Card, ...]
    commitments_label: str


@dataclass(frozen=True)
class IndicatorGroup:
    """The signs of success under one vision (key: its id), or the cross-cutting ones ("")."""

    key: str
    title: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Indicators:
    """The signs of success in groups: by vision in vision order, cross-cutting ones last."""

    kind: ClassVar[PartKind] = "indicators"
    heading: Heading
    groups: tuple[IndicatorGroup, ...]
    # Whether any indicator belongs to a vision: the DOCX table shows group rows only then.
    by_vision: bool


@dataclass(frozen=True)
class Section:
    """A free section: its title is the heading, its body rich text (possibly empty)."""

    kind: ClassVar[PartKind] = "section"
    heading: Heading
    id: str
    text: str | None
    body: tuple[Block, ...]


@dataclass(frozen=True)
class TimelineEntry:
    """A milestone as shown: formatted date, event, state with its symbol and word."""

    date: str
    event: str
    state: str
    symbol: str
    state_label: str


@dataclass(frozen=True)
class Timeline:
    """The milestones in date order (see `in_date_order`)."""

    kind: ClassVar[PartKind] = "timeline"
    heading: Heading
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class ConsultationRow:
    """An input of the consultation appendix, with what it concerns named for readers."""

    id: str
    source: str
    date: str
    input: str
    response: str | None
    status: str
    status_label: str
    affects: tuple[str, ...]


@dataclass(frozen=True)
class Consultation:
    """The consultation appendix: every input received and what was done with it."""

    kind: ClassVar[PartKind] = "consultation"
    heading: Heading
    rows: tuple[ConsultationRow, ...]


Part = Foreword | Visions | Indicators | Section | Timeline | Consultation
P = TypeVar("P", Foreword, Visions, Indicators, Section, Timeline, Consultation)


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents, linking to a heading's anchor."""

    anchor: str
    text: str
    level: int


@dataclass(frozen=True)
class DocumentView:
    """A draft as every output shows it: metadata, draft mark, labels and parts in order."""

    info: DocumentInfo
    language: str
    labels: Mapping[str, str]
    mark: str | None  # "UDKAST", "I HØRING", …; None for a final document
    date: str  # the document's date as readers write it; "" without one
    parts: tuple[Part, ...]
    toc: tuple[TocEntry, ...]

    def part(self, kind: type[P]) -> P | None:
        """Return the part of a kind (Foreword, Visions, …), or None when the draft has none."""
        return next((p for p in self.parts if isinstance(p, kind)), None)

    def parts_of(self, kind: type[P]) -> tuple[P, ...]:
        """Return every part of a kind, in reading order."""
        return tuple(p for p in self.parts if isinstance(p, kind))


# A document this long (some 25-45 pages, a report rather than a memo) starts its
# chapters on a page; a part this long (most of a page) is a chapter.
LONG_DOCUMENT_WORDS = 10_000
CHAPTER_WORDS = 400
# A vision card of this many words fills about half an A4 page: longer ones may break.
CARD_BREAK_WORDS = 250

# The order of a document's parts, written once: every output walks `DocumentView.parts`.
PART_ORDER: tuple[PartKind, ...] = (
    "foreword",
    "visions",
    "indicators",
    "section",
    "timeline",
    "consultation",
)


def document_view(strategy: Strategy) -> DocumentView:
    """Build the view of a validated strategy in its own language."""
    info = strategy.document
    text = MappingProxyType(labels(info.language))
    parts = _pages_started(
        tuple(part for kind in PART_ORDER for part in _BUILDERS[kind](strategy, text))
    )
    return DocumentView(
        info=info,
        language=info.language,
        labels=text,
        mark=draft_mark(strategy),
        date=date_text(info.date, info.language),
        parts=parts,
        toc=_toc(parts),
    )


def draft_mark(strategy: Strategy) -> str | None:
    """Return the draft mark for the document's status ("UDKAST", …), or None when final."""
    status = strategy.document.status
    if status == "final":
        return None
    text = labels(strategy.document.language)
    return text["consultation_mark" if status == "consultation" else "draft_mark"]


def date_text(value: dt.date | None, language: str) -> str:
    """Format a date as readers of the language write it; "" for no date."""
    return format_date(value, language) if value else ""


def _foreword(strategy: Strategy, text: Mapping[str, str]) -> list[Part]:
    if not strategy.foreword:
        return []
    heading = Heading("foreword", text["foreword"])
    return [Foreword(heading, strategy.foreword, richtext.parse(strategy.foreword))]


def _visions(strategy: Strategy, text: Mapping[str, str]) -> list[Part]:
    cards = tuple(
        Card(
            v,
            n,
            f"v-{v.id}",
            richtext.parse(v.body) if v.body else (),
            breaks=words_in(v) >= CARD_BREAK_WORDS,
        )
        for n, v in enumerate(strategy.visions, start=1)
    )
    return [Visions(Heading("visions", text["visions"]), cards, text["commitments"])]


def _indicators(strategy: Strategy, text: Mapping[str, str]) -> list[Part]:
    if not strategy.signs_of_success:
        return []
    signs = strategy.signs_of_success
    groups = [
        IndicatorGroup(v.id, v.title, tuple(i for i in signs if i.vision == v.id))
        for v in strategy.visions
    ]
    shared = tuple(i for i in signs if i.vision is None)
    groups.append(IndicatorGroup("", text["shared_indicators"], shared))
    return [
        Indicators(
            Heading("signs", text["signs_of_success"]),
            tuple(g for g in groups if g.indicators),
            by_vision=any(i.vision for i in signs),
        )
    ]


def _sections(strategy: Strategy, text: Mapping[str, str]) -> list[Part]:
    return [
        Section(
            Heading(f"s-{s.id}", s.title),
            s.id,
            s.body,
            richtext.parse(s.body) if s.body else (),
        )
        for s in strategy.sections
    ]


def _timeline(strategy: Strategy, text: Mapping[str, str]) -> list[Part]:
    if not strategy.timeline:
        return []
    language = strategy.document.language
    entries = tuple(
        TimelineEntry(
            date_text(m.date, language),
            m.event,
            m.state,
            STATE_SYMBOLS[m.state],
            text[f"state.{m.state}"],
        )
        for m in (strategy.timeline[i] for i in in_date_order(strategy.timeline))
    )
    return [Timeline(Heading("timeline", text["timeline"]), entries)]


def _pages_started(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """Mark the parts that start a page: the first, and a long document's chapters."""
    sizes = [words_in(part) for part in parts]
    long_document = sum(sizes) >= LONG_DOCUMENT_WORDS
    return tuple(
        dataclasses.replace(part, heading=dataclasses.replace(part.heading, new_page=True))
        if n == 0 or (long_document and size >= CHAPTER_WORDS)
        else part
        for n, (part, size) in enumerate(zip(parts, sizes, strict=True))
    )


def words_in(value: object) -> int:
    """Count the words of every text a part shows (its parsed rich text is not counted twice)."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, tuple | list):
        return sum(words_in(item) for item in value)
    if isinstance(value, BaseModel):  # a vision or an indicator, as the strategy has it
        return sum(words_in(getattr(value, name)) for name in type(value).model_fields)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(
            words_in(getattr(value, f.name))
            for f in dataclasses.fields(value)
            # The parsed blocks repeat the rich text's source, which is counted.
            if f.name != "body" or isinstance(getattr(value, f.name), str | None)
        )
    return 0


def _consultation(strategy: Strategy, text: Mapping[str, str]) -> list[Part]:
    if not strategy.consultation:
        return []
    language = strategy.document.language
    names = part_names(strategy)
    rows = tuple(
        ConsultationRow(
            id=c.id,
            source=c.from_,
            date=date_text(c.date, language),
            input=c.input,
            response=c.response,
            status=c.status,
            status_label=text[f"status.{c.status}"],
            affects=tuple(names.get(ref, ref) for ref in c.affects),
        )
        for c in strategy.consultation
    )
    return [Consultation(Heading("consultation", text["consultation"]), rows)]


_BUILDERS: dict[PartKind, Callable[[Strategy, Mapping[str, str]], list[Part]]] = {
    "foreword": _foreword,
    "visions": _visions,
    "indicators": _indicators,
    "section": _sections,
    "timeline": _timeline,
    "consultation": _consultation,
}


def _toc(parts: tuple[Part, ...]) -> tuple[TocEntry, ...]:
    """List the headings the table of contents links to: parts, and each vision's card."""
    entries: list[TocEntry] = []
    for part in parts:
        entries.append(TocEntry(part.heading.anchor, part.heading.text, 1))
        if isinstance(part, Visions):
            # A vision is listed by its title, in every output's contents and bookmarks:
            # the title is the vision's stable, short name, the one the indicator groups
            # and the appendix's "Vedrører" use too, and it survives the headline being
            # reworded between drafts. The DOCX's Heading 2 is the title as well.
            entries += [TocEntry(c.anchor, c.vision.title, 2) for c in part.cards]
    return tuple(entries)
