"""Plain-language feedback: LIX per part and overall, and warnings about text-heavy content.

The committees asked for short texts and catchy headlines, "need to know, not nice to
know". Everything here is advice: warnings, never errors, so a draft is stored and built
whatever they say. Each warning is a `Problem` with a code, the path of the field it
concerns and its values, worded like every problem by `core.problem_text`.

LIX (C.-H. Björnsson, *Läsbarhet*, 1968) is words per sentence plus the percentage of
long words (more than six letters). Rich text is measured on its plain text
(`core.richtext`): paragraphs and list items, without markup. Words and sentences are
counted here, not by a library: textstat's `lix` splits sentences at every full stop
(so "7.000 årsværk" or "pr. 1.000" end a sentence) and leaves out sentences of two words
or fewer, and it cannot say which sentence is long; pyphen counts syllables, which LIX
does not use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core import richtext
from core.content import Strategy
from core.errors import Problem
from core.problem_text import LIX_BANDS, describe

LONG_WORD_LETTERS = 6  # LIX counts a word of more than six letters as long
HEADLINE_WORDS = 7  # a headline people can remember ("Alle skal have en ven")
VISION_WORDS = 150  # a vision's text that fits beside its headline on one card
SENTENCE_WORDS = 25  # the usual Danish plain-language advice (klarsprog): 15-20, at most 25
# About five lines of an A4 page: a paragraph longer than that reads as a wall of text.
PARAGRAPH_WORDS = 50
LONGEST_PARAGRAPHS = 3  # the longest paragraphs over PARAGRAPH_WORDS, named to shorten first
HARD_LIX = 45  # "svær" and up: above what a general public reads with ease
# A comparison names at most this many advice items gone (and new), then "N more": the
# counts say how much changed; a committee reads the first few, not a list of forty.
SHOWN_ADVICE = 8
# Which advice a bounded list names first: a hard or text-heavy part (what the committees
# asked to change), then long sentences, then the signs of success; reading order within.
_WEIGHT = {
    "plain_lix_hard": 0,
    "plain_lix_hard_english": 0,
    "plain_vision_long": 0,
    "plain_paragraph_long": 0,
    "plain_headline_long": 0,
    "plain_sentence_long": 1,
}

# The usual Danish bands, as Danish plain-language guides give them (Sprogvaskeriet's
# "Tjek din lix", sprogvaskeriet.dk; "Lixtal", fonologisk.dk): up to 24 very easy
# (children's books), 25-34 easy (weeklies, light fiction), 35-44 medium (newspapers),
# 45-54 hard (academic reports), 55 and up very hard (law). The Swedish scale (lix.se)
# sets each band five points higher; these are the Danish readers'.
BANDS: tuple[tuple[int, str], ...] = (
    (25, "very_easy"),
    (35, "easy"),
    (45, "medium"),
    (55, "hard"),
)
TOP_BAND = "very_hard"

# A word: letters and digits, joined by a hyphen, an apostrophe or a separator inside a
# number ("e-mail", "7.000", "12,5"); a trailing hyphen ("Beskæftigelses- og") is not in it.
_WORD = re.compile(r"[^\W_]+(?:[-'’.,][^\W_]+)*")
# A sentence ends at . ! ? before a space and a capital letter, a digit or a quote (so
# "fx. en" and "bl.a. ved" do not end one), at a colon before a space (as LIX counts it),
# or at the end of a paragraph or list item.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'»”)]*\s+(?=[\"'«“(]*[^\W_a-zæøåäöü])|(?<=:)\s+")
_ABBREVIATED = re.compile(
    r"(?:^|\s)(?:fx|pr|ca|bl\.a|f\.eks|jf|mv|osv|dvs|nr|kr|evt|inkl|ekskl|mht|vedr|tlf"
    r"|e\.g|i\.e|etc|no|approx|vs|mr|mrs|dr)\.$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PART_ORDER = ("foreword", "visions", "signs_of_success", "sections")
_PLACE = re.compile(r"^(?P<part>foreword|visions|signs_of_success|sections)(?:\[(?P<index>\d+)\])?")
_OPENING_WORDS = 8  # a long sentence is named by its first words


@dataclass(frozen=True)
class Counts:
    """Words, sentences and long words of a text, and the LIX they give."""

    words: int = 0
    sentences: int = 0
    long_words: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.long_words + other.long_words,
        )

    @property
    def lix(self) -> int:
        """Return the LIX, rounded (0 for a text without words)."""
        if not self.words:
            return 0
        return round(self.words / max(self.sentences, 1) + 100 * self.long_words / self.words)

    @property
    def band(self) -> str:
        """Return the LIX band's code: very_easy, easy, medium, hard or very_hard."""
        return band_of(self.lix)


@dataclass(frozen=True)
class PartReadability:
    """The LIX of one part ("foreword", "visions[0].body", "sections[1].body")."""

    path: str
    counts: Counts


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or list item) of a part, with its place and its number of words."""

    path: str
    number: int  # counted from 1 within its field
    words: int


@dataclass(frozen=True)
class Feedback:
    """A strategy's plain-language feedback: LIX per part and overall, and the warnings."""

    language: str  # the document's: LIX's bands are made for Scandinavian text
    parts: tuple[PartReadability, ...]
    overall: Counts
    longest: tuple[Paragraph, ...]
    warnings: tuple[Problem, ...]


def band_of(lix: int) -> str:
    """Return the code of the band a LIX falls in."""
    for below, band in BANDS:
        if lix < below:
            return band
    return TOP_BAND


def words(text: str) -> list[str]:
    """Return the words of a plain text."""
    return _WORD.findall(text)


def sentences(paragraph: str) -> list[str]:
    """Return the sentences of one paragraph of plain text (the paragraph ends one)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(paragraph.strip()):
        if out and _ABBREVIATED.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"  # "pr. 1.000": an abbreviation ends no sentence
        else:
            out.append(piece)
    return [s.strip() for s in out if words(s)]


def counts(paragraphs: list[str]) -> Counts:
    """Return the words, sentences and long words of some paragraphs."""
    return sum((_measured(paragraph).counts for paragraph in paragraphs), Counts())


@dataclass(frozen=True)
class _Measured:
    counts: Counts
    sentences: tuple[tuple[str, int], ...]  # each sentence and its number of words


# Every comparison measures both drafts, which share most of their paragraphs, and the
# editor measures a draft at every save: a paragraph is measured once (L: 1,700 of them).
@lru_cache(maxsize=4_096)
def _measured(paragraph: str) -> _Measured:
    found = words(paragraph)
    # A word no longer than the bound cannot have more letters than it: most words are
    # settled by their length, and the rest counted in C (L's API post spent 0.2 s here).
    long = sum(
        1
        for w in found
        if len(w) > LONG_WORD_LETTERS and sum(map(str.isalpha, w)) > LONG_WORD_LETTERS
    )
    said = sentences(paragraph)
    return _Measured(Counts(len(found), len(said), long), tuple((s, len(words(s))) for s in said))


def feedback(strategy: Strategy) -> Feedback:
    """Return the plain-language feedback on a validated strategy."""
    texts = list(_rich_parts(strategy))
    parts = tuple(PartReadability(path, counts(paras)) for path, paras in texts)
    overall = sum((p.counts for p in parts), Counts())
    english = strategy.document.language == "en"
    warnings: list[Problem] = []
    for index, vision in enumerate(strategy.visions):
        count = len(words(vision.headline))
        if count > HEADLINE_WORDS:
            warnings.append(_warning(f"visions[{index}].headline", "plain_headline_long", count))
    for part in parts:
        if part.path.startswith("visions[") and part.counts.words > VISION_WORDS:
            warnings.append(_warning(part.path, "plain_vision_long", part.counts.words))
        if part.counts.lix >= HARD_LIX:
            warnings.append(_lix_warning(part.path, part.counts, english))
    if overall.lix >= HARD_LIX:
        warnings.append(_lix_warning("", overall, english))
    paragraphs: list[Paragraph] = []
    for path, paras in texts:
        for number, text in enumerate(paras, start=1):
            measured = _measured(text)
            paragraphs.append(Paragraph(path, number, measured.counts.words))
            for sentence, count in measured.sentences:
                if count > SENTENCE_WORDS:
                    warnings.append(_sentence_warning(path, number, sentence, words(sentence)))
    longest = tuple(
        sorted(
            (p for p in paragraphs if p.words > PARAGRAPH_WORDS),
            key=lambda p: -p.words,
        )[:LONGEST_PARAGRAPHS]
    )
    for paragraph in longest:
        warnings.append(
            Problem(
                paragraph.path,
                f"paragraph {paragraph.number} has {paragraph.words} words, one of the "
                f"longest; shorten it or split it",
                code="plain_paragraph_long",
                args=(
                    ("paragraph", str(paragraph.number)),
                    ("count", str(paragraph.words)),
                    ("max", str(PARAGRAPH_WORDS)),
                ),
            )
        )
    warnings.extend(_indicator_warnings(strategy))
    warnings.sort(key=_reading_order)
    return Feedback(strategy.document.language, parts, overall, longest, tuple(warnings))


def _reading_order(problem: Problem) -> tuple[int, int]:
    """Sort key: the parts in the order a reader meets them, the whole document last."""
    match = _PLACE.match(problem.path)
    if match is None:
        return (len(_PART_ORDER), 0)
    return (_PART_ORDER.index(match["part"]), int(match["index"] or 0))


def _rich_parts(strategy: Strategy) -> Iterator[tuple[str, list[str]]]:
    """Yield (path, paragraphs) of each rich text measured: foreword, visions, sections."""
    if strategy.foreword:
        yield "foreword", _paragraphs(strategy.foreword)
    for index, vision in enumerate(strategy.visions):
        if vision.body:
            yield f"visions[{index}].body", _paragraphs(vision.body)
    for index, section in enumerate(strategy.sections):
        if section.body:
            yield f"sections[{index}].body", _paragraphs(section.body)


def _paragraphs(text: str) -> list[str]:
    return [p for p in richtext.paragraphs(richtext.parse(text)) if words(p)]


def _warning(path: str, code: str, count: int) -> Problem:
    limit = {
        "plain_headline_long": HEADLINE_WORDS,
        "plain_vision_long": VISION_WORDS,
    }[code]
    return Problem(
        path,
        f"has {count} words; plain language keeps it to {limit}",
        code=code,
        args=(("count", str(count)), ("max", str(limit))),
    )


def _lix_warning(path: str, measured: Counts, english: bool) -> Problem:
    code = "plain_lix_hard_english" if english else "plain_lix_hard"
    return Problem(
        path,
        f"has LIX {measured.lix} ({measured.band.replace('_', ' ')}); "
        f"plain language stays under {HARD_LIX}",
        code=code,
        args=(("lix", str(measured.lix)), ("band", measured.band), ("max", str(HARD_LIX))),
    )


def _sentence_warning(path: str, number: int, sentence: str, found: list[str]) -> Problem:
    opening = " ".join(sentence.split()[:_OPENING_WORDS]) + " …"
    return Problem(
        path,
        f"paragraph {number} has a sentence of {len(found)} words ({opening}); "
        f"plain language keeps to {SENTENCE_WORDS}",
        code="plain_sentence_long",
        args=(
            ("paragraph", str(number)),
            ("count", str(len(found))),
            ("max", str(SENTENCE_WORDS)),
            ("value", opening),
        ),
    )


def _indicator_warnings(strategy: Strategy) -> Iterator[Problem]:
    """Yield what a sign of success lacks to be measured with data already collected."""
    for index, sign in enumerate(strategy.signs_of_success):
        where = f"signs_of_success[{index}]"
        for field, code in (
            ("baseline", "plain_no_baseline"),
            ("target", "plain_no_target"),
            ("data_source", "plain_no_data_source"),
        ):
            if not (getattr(sign, field) or "").strip():
                yield Problem(f"{where}.{field}", f"{field} is missing", code=code)
        if sign.target and not _YEAR.search(sign.target):
            yield Problem(
                f"{where}.target",
                "the target names no year",
                code="plain_target_no_year",
                args=(("value", sign.target),),
            )


def report(strategy: Strategy, language: str = "da") -> dict[str, Any]:
    """Return the feedback as JSON (the API's, the CLI's, the pages'), worded in `language`."""
    return _worded(feedback(strategy), strategy, language)


def _worded(found: Feedback, strategy: Strategy, language: str) -> dict[str, Any]:
    data = strategy.model_dump(mode="json", by_alias=True)
    english = found.language == "en"
    label = _LABELS[language]["english" if english else "lix"]

    def part(path: str, measured: Counts) -> dict[str, Any]:
        if path == "foreword":
            name = _LABELS[language]["foreword"]
        else:  # "Vision 2 «Det hele liv»": the part, whose text it is
            name = describe(Problem(path, "", code="plain_lix_hard"), data, language).part
        return {
            "path": path,
            "name": name,
            "lix": measured.lix,
            "band": measured.band,
            "band_name": LIX_BANDS[language][measured.band],
            "words": measured.words,
            "sentences": measured.sentences,
            "long_words": measured.long_words,
        }

    overall = part("", found.overall)
    overall["name"] = _LABELS[language]["overall"]
    return {
        "language": found.language,
        "label": label,
        "overall": overall,
        "parts": [part(p.path, p.counts) for p in found.parts],
        "longest_paragraphs": [
            {"path": p.path, "paragraph": p.number, "words": p.words} for p in found.longest
        ],
        "warnings": [
            {"code": w.code, "path": w.path, "message": describe(w, data, language).sentence}
            for w in found.warnings
        ],
    }


# How a LIX is labelled: its bands are made for Scandinavian text, so an English
# document's is said to be measured on English text.
_LABELS = {
    "da": {
        "lix": "LIX",
        "english": "LIX, målt på engelsk tekst",
        "overall": "Hele dokumentet",
        "foreword": "Forord",
    },
    "en": {
        "lix": "LIX",
        "english": "LIX, measured on English text",
        "overall": "The whole document",
        "foreword": "Foreword",
    },
}


def change(old: Strategy, new: Strategy, language: str = "da") -> dict[str, Any]:
    """Return LIX per part before → after and the warnings gone and new, worded in `language`.

    What every comparison shows (the web page, the comparison PDF, the redline DOCX).
    Parts are matched by id, as the diff matches them, so a vision that moved is still
    itself; a warning is the same warning when it has the same code, part, field and value.
    `gone` and `new` give their `count` and the SHOWN_ADVICE weightiest warnings (`shown`,
    hard and text-heavy parts first), with `more` for the rest.
    """
    old_found, new_found = feedback(old), feedback(new)
    before, after = _worded(old_found, old, language), _worded(new_found, new, language)
    old_keys, new_keys = _keys(old), _keys(new)
    olds = {_key(p["path"], old_keys): p for p in before["parts"]}
    news = {_key(p["path"], new_keys): p for p in after["parts"]}
    order = list(news) + [key for key in olds if key not in news]
    parts = [
        {
            "name": (news.get(key) or olds[key])["name"],
            "before": _lix_of(olds.get(key)),
            "after": _lix_of(news.get(key)),
        }
        for key in order
    ]
    gone = _by_identity(old_found.warnings, before["warnings"], old_keys)
    came = _by_identity(new_found.warnings, after["warnings"], new_keys)
    return {
        "label": after["label"],
        "overall": {
            "name": after["overall"]["name"],
            "before": _lix_of(before["overall"]),
            "after": _lix_of(after["overall"]),
        },
        "parts": parts,
        "gone": _listed([w for key, w in gone.items() if key not in came]),
        "new": _listed([w for key, w in came.items() if key not in gone]),
        "kept": sum(1 for key in came if key in gone),
        "before": len(before["warnings"]),
        "after": len(after["warnings"]),
    }


def _listed(warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """Return how many warnings there are, the SHOWN_ADVICE weightiest, and the rest's count."""
    shown = sorted(warnings, key=lambda w: _WEIGHT.get(w["code"], 2))[:SHOWN_ADVICE]
    return {"count": len(warnings), "shown": shown, "more": len(warnings) - len(shown)}


def _keys(strategy: Strategy) -> dict[str, str]:
    """Return the id-based key of each entry of a list: visions[0] → vision:det-hele-liv."""
    keys = {f"visions[{i}]": f"vision:{v.id}" for i, v in enumerate(strategy.visions)}
    keys |= {f"sections[{i}]": f"section:{s.id}" for i, s in enumerate(strategy.sections)}
    keys |= {
        f"signs_of_success[{i}]": f"sign:{s.id}" for i, s in enumerate(strategy.signs_of_success)
    }
    return keys


def _key(path: str, keys: dict[str, str]) -> str:
    head, dot, rest = path.partition(".")
    return keys.get(head, head) + dot + rest


def _by_identity(
    problems: tuple[Problem, ...], worded: list[dict[str, Any]], keys: dict[str, str]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Return each worded warning by what makes it the same warning in another version."""
    return {
        (p.code, _key(p.path, keys), f"{p.arg('value')}|{p.arg('paragraph')}"): w
        for p, w in zip(problems, worded, strict=True)
    }


def _lix_of(part: dict[str, Any] | None) -> dict[str, Any] | None:
    if part is None:
        return None
    return {"lix": part["lix"], "band": part["band"], "band_name": part["band_name"]}
