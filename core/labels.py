"""Labels the service adds to a document, and dates, in the document's language."""

from __future__ import annotations

import datetime as dt

_MONTHS = {
    "da": [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

LABELS: dict[str, dict[str, str]] = {
    "da": {
        "contents": "Indhold",
        "foreword": "Forord",
        "visions": "Visioner",
        "vision": "Vision",
        "commitments": "Det gør vi",
        "signs_of_success": "Tegn på succes",
        "indicator": "Indikator",
        "baseline": "Udgangspunkt",
        "target": "Mål",
        "data_source": "Datakilde",
        "shared_indicators": "Tværgående",
        "timeline": "Tidsplan",
        "hearing.attachment": "(Vedhæftet PDF: {name})",
        "consultation": "Bilag: Input fra udvalg og interessenter",
        "consultation_short": "Input og behandling",
        "from": "Fra",
        "date": "Dato",
        "input": "Input",
        "response": "Behandling",
        "status": "Status",
        "affects": "Vedrører",
        "page_x_of_y_before": "Side ",
        "page_x_of_y_middle": " af ",
        "authors": "Udarbejdet af",
        "draft_mark": "UDKAST",
        "consultation_mark": "HØRINGSUDKAST",
        "state.done": "Gennemført",
        "state.planned": "Planlagt",
        "state.cancelled": "Aflyst",
        "status.incorporated": "Indarbejdet",
        "status.partly": "Delvist indarbejdet",
        "status.declined": "Ikke indarbejdet",
        "status.pending": "Afventer",
        "target.foreword": "Forord",
        "target.signs_of_success": "Tegn på succes",
        "target.timeline": "Tidsplan",
        "target.layout": "Layout",
        "toc_update_hint": "Opdatér indholdsfortegnelsen for at se sidetal (F9 i Word).",
        "milestone": "Begivenhed",
        "consultation_report": "Høringsnotat",
        "diff.flag_unchanged": "Markeret som {status}, men {parts} er ikke ændret",
        "diff.not_checkable": "{parts} kan ikke kontrolleres ud fra indholdet",
        "diff.and": "og",
        "redline.moved_from": "Flyttet hertil fra plads {old} (nu plads {new})",
        "redline.moved_to": "Flyttet herfra (plads {old}) til plads {new}",
        "redline.previous": "forrige udkast",
        "redline.report_intro": (
            "Input fra udvalg og interessenter, grupperet efter afsender. Ændringerne i "
            "forhold til {previous} er vist som registrerede ændringer i dokumentet."
        ),
        "redline.changes": "Ændret i dette udkast: {parts}",
        "redline.new_input": "Nyt input",
        "redline.status_was": "Før: {status}",
        "cmp.title": "Ændringer fra {old} til {new}",
        "cmp.previous": "forrige udkast",
        "cmp.current": "dette udkast",
        "cmp.summary": "Overblik",
        "cmp.changes": "Ændringer del for del",
        "cmp.kind": "Del",
        "cmp.kind.foreword": "Forord",
        "cmp.kind.vision": "Visioner",
        "cmp.kind.indicator": "Tegn på succes",
        "cmp.kind.section": "Afsnit",
        "cmp.kind.milestone": "Tidsplan",
        "cmp.kind.consultation": "Høringsinput",
        "cmp.added": "Tilføjet",
        "cmp.removed": "Fjernet",
        "cmp.changed": "Ændret",
        "cmp.moved": "Flyttet",
        "cmp.unchanged": "Uændret",
        "cmp.moved_from": "Flyttet fra plads {old} til {new}",
        "cmp.words_added": "ord tilføjet",
        "cmp.words_removed": "ord fjernet",
        "cmp.by_vision": "Visionerne",
        "cmp.metadata": "Dokumentoplysninger",
        "cmp.before": "Før",
        "cmp.flags": "Til opmærksomhed",
        "cmp.no_flags": (
            "Alle input, der er markeret som indarbejdet i dette udkast, "
            "har ændret de dele, de vedrører."
        ),
        "cmp.pending": "Afventer stadig behandling",
        "cmp.inputs_here": "Input, der vedrører denne del",
        "cmp.caused": "Ændringer",
        "cmp.no_changes": "Ingen ændringer i indholdet.",
        "cmp.new_input": "Nyt",
        "cmp.status_was": "Før: {status}",
        "cmp.new_inputs": "{n} nye input – se høringsnotatet",
        "cmp.inserted_paragraph": "Nyt afsnit",
        "cmp.deleted_paragraph": "Slettet afsnit",
        "cmp.legend": (
            "Sådan læses ændringerne: [+indsat tekst] er understreget, "
            "[−slettet tekst] er gennemstreget."
        ),
        "cmp.page": "side",
        "cmp.compare": "Sammenlign",
        # The plain-language block of the comparison (core.plain_language.change).
        "cmp.plain": "Klart sprog",
        "cmp.plain.intro": (
            "{label} er ord pr. sætning plus andelen af lange ord (over seks bogstaver): "
            "under 25 meget let, 25–34 let, 35–44 middel, 45–54 svær, 55 og derover "
            "meget svær."
        ),
        "cmp.plain.advice": "Råd om klart sprog: {before} i {old}, {after} i {new}.",
        "cmp.plain.gone": "Råd, der ikke længere gives ({n})",
        "cmp.plain.new": "Nye råd ({n})",
        "cmp.plain.more": "… og {n} mere",
        # The outputs of core.outputs, as people call them (pages, downloads).
        "output.pdf": "PDF",
        "output.pdf-archival": "Arkiv-PDF (PDF/A)",
        "output.docx": "Word",
        "output.changes-pdf": "Ændringer (PDF)",
        "output.changes-docx": "Sporede ændringer (Word)",
        "output.hearing-notes-pdf": "Høringsnotat (PDF)",
        "output.hearing-notes-docx": "Høringsnotat (Word)",
        # The høringsnotat as its own file (core.hearing_notes).
        "notes.inputs": "{n} input fra {senders}",
        "notes.inputs_one": "1 input fra {senders}",
        "notes.none": "Ingen input endnu.",
        "notes.sender_one": "1 afsender",
        "notes.sender_many": "{n} afsendere",
        "notes.new": "{n} nye i denne version",
        "notes.compared": "Ændringerne er vist i forhold til {previous}.",
        "notes.first": (
            "Første version: notatet viser input, behandling og status. Ændringerne, "
            "som input fører til, vises fra næste version."
        ),
        "notes.by_status": "Status",
        "notes.count": "Antal",
        "notes.senders": "Input efter afsender",
        "notes.no_change": "Ingen ændringer i de dele, inputtet vedrører.",
        "notes.new_input": "Nyt i denne version",
        "notes.excerpt": "{field}: {before} → {after}",
        "notes.kind.foreword": "Forord",
        "notes.kind.vision": "Vision",
        "notes.kind.indicator": "Tegn på succes",
        "notes.kind.section": "Afsnit",
        "notes.kind.milestone": "Tidsplan",
        "cmp.field.title": "Titel",
        "cmp.field.headline": "Overskrift",
        "cmp.field.body": "Tekst",
        "cmp.field.subtitle": "Undertitel",
        "cmp.field.organisation": "Organisation",
        "cmp.field.language": "Sprog",
        "cmp.field.draft_label": "Udkast",
        "cmp.field.event": "Begivenhed",
        "cmp.field.state": "Status",
    },
    "en": {
        "contents": "Contents",
        "foreword": "Foreword",
        "visions": "Visions",
        "vision": "Vision",
        "commitments": "What we will do",
        "signs_of_success": "Signs of success",
        "indicator": "Indicator",
        "baseline": "Baseline",
        "target": "Target",
        "data_source": "Data source",
        "shared_indicators": "Cross-cutting",
        "timeline": "Timeline",
        "hearing.attachment": "(Attached PDF: {name})",
        "consultation": "Appendix: Input from committees and stakeholders",
        "consultation_short": "Input and response",
        "from": "From",
        "date": "Date",
        "input": "Input",
        "response": "Response",
        "status": "Status",
        "affects": "Concerns",
        "page_x_of_y_before": "Page ",
        "page_x_of_y_middle": " of ",
        "authors": "Prepared by",
        "draft_mark": "DRAFT",
        "consultation_mark": "CONSULTATION DRAFT",
        "state.done": "Done",
        "state.planned": "Planned",
        "state.cancelled": "Cancelled",
        "status.incorporated": "Incorporated",
        "status.partly": "Partly incorporated",
        "status.declined": "Declined",
        "status.pending": "Pending",
        "target.foreword": "Foreword",
        "target.signs_of_success": "Signs of success",
        "target.timeline": "Timeline",
        "target.layout": "Layout",
        "toc_update_hint": "Update the table of contents to see page numbers (F9 in Word).",
        "milestone": "Event",
        "consultation_report": "Consultation report",
        "diff.flag_unchanged": "Marked {status}, but {parts} did not change",
        "diff.not_checkable": "{parts} cannot be checked from the content",
        "diff.and": "and",
        "redline.moved_from": "Moved here from position {old} (now position {new})",
        "redline.moved_to": "Moved from here (position {old}) to position {new}",
        "redline.previous": "the previous draft",
        "redline.report_intro": (
            "Input from committees and stakeholders, grouped by who gave it. The changes "
            "since {previous} are shown as tracked changes in the document."
        ),
        "redline.changes": "Changed in this draft: {parts}",
        "redline.new_input": "New input",
        "redline.status_was": "Previously: {status}",
        "cmp.title": "Changes from {old} to {new}",
        "cmp.previous": "the previous draft",
        "cmp.current": "this draft",
        "cmp.summary": "Summary",
        "cmp.changes": "Changes part by part",
        "cmp.kind": "Part",
        "cmp.kind.foreword": "Foreword",
        "cmp.kind.vision": "Visions",
        "cmp.kind.indicator": "Signs of success",
        "cmp.kind.section": "Sections",
        "cmp.kind.milestone": "Timeline",
        "cmp.kind.consultation": "Consultation inputs",
        "cmp.added": "Added",
        "cmp.removed": "Removed",
        "cmp.changed": "Changed",
        "cmp.moved": "Moved",
        "cmp.unchanged": "Unchanged",
        "cmp.moved_from": "Moved from position {old} to {new}",
        "cmp.words_added": "words added",
        "cmp.words_removed": "words removed",
        "cmp.by_vision": "By vision",
        "cmp.metadata": "Document details",
        "cmp.before": "Before",
        "cmp.flags": "Needs attention",
        "cmp.no_flags": (
            "Every input marked as incorporated in this draft changed the parts it concerns."
        ),
        "cmp.pending": "Still pending",
        "cmp.inputs_here": "Input concerning this part",
        "cmp.caused": "Changes",
        "cmp.no_changes": "No changes in the content.",
        "cmp.new_input": "New",
        "cmp.status_was": "Before: {status}",
        "cmp.new_inputs": "{n} new inputs – see the consultation report",
        "cmp.inserted_paragraph": "New paragraph",
        "cmp.deleted_paragraph": "Deleted paragraph",
        "cmp.legend": (
            "How to read the changes: [+inserted text] is underlined, "
            "[−deleted text] is struck through."
        ),
        "cmp.page": "page",
        "cmp.compare": "Compare",
        "cmp.plain": "Plain language",
        "cmp.plain.intro": (
            "{label} is words per sentence plus the share of long words (more than six "
            "letters): under 25 very easy, 25–34 easy, 35–44 medium, 45–54 hard, 55 and "
            "over very hard."
        ),
        "cmp.plain.advice": "Plain-language advice: {before} in {old}, {after} in {new}.",
        "cmp.plain.gone": "Advice no longer given ({n})",
        "cmp.plain.new": "New advice ({n})",
        "cmp.plain.more": "… and {n} more",
        "output.pdf": "PDF",
        "output.pdf-archival": "Archival PDF (PDF/A)",
        "output.docx": "Word",
        "output.changes-pdf": "Changes (PDF)",
        "output.changes-docx": "Tracked changes (Word)",
        "output.hearing-notes-pdf": "Consultation report (PDF)",
        "output.hearing-notes-docx": "Consultation report (Word)",
        "notes.inputs": "{n} inputs from {senders}",
        "notes.inputs_one": "1 input from {senders}",
        "notes.none": "No inputs yet.",
        "notes.sender_one": "1 respondent",
        "notes.sender_many": "{n} respondents",
        "notes.new": "{n} new in this version",
        "notes.compared": "Changes are shown against {previous}.",
        "notes.first": (
            "First version: the report shows each input, its response and status. The "
            "changes inputs lead to are shown from the next version on."
        ),
        "notes.by_status": "Status",
        "notes.count": "Number",
        "notes.senders": "Inputs by respondent",
        "notes.no_change": "No change in the parts it concerns.",
        "notes.new_input": "New in this version",
        "notes.excerpt": "{field}: {before} → {after}",
        "notes.kind.foreword": "Foreword",
        "notes.kind.vision": "Vision",
        "notes.kind.indicator": "Sign of success",
        "notes.kind.section": "Section",
        "notes.kind.milestone": "Timeline",
        "cmp.field.title": "Title",
        "cmp.field.headline": "Headline",
        "cmp.field.body": "Text",
        "cmp.field.subtitle": "Subtitle",
        "cmp.field.organisation": "Organisation",
        "cmp.field.language": "Language",
        "cmp.field.draft_label": "Draft",
        "cmp.field.event": "Event",
        "cmp.field.state": "State",
    },
}


def labels(language: str) -> dict[str, str]:
    """Return the label table for a document language ("da" or "en")."""
    return LABELS[language]


def parse_date(text: str, language: str) -> dt.date | None:
    """Read a date as `format_date` writes it ("2. marts 2018"), or as ISO; None if not one."""
    words = text.replace(".", " ").replace(",", " ").lower().split()
    try:
        if len(words) == 1:
            return dt.date.fromisoformat(words[0])
        if len(words) == 3:
            months = [m.lower() for m in _MONTHS[language]]
            return dt.date(int(words[2]), months.index(words[1]) + 1, int(words[0]))
    except ValueError:
        return None
    return None


def format_date(value: dt.date, language: str) -> str:
    """Format a date as "2. marts 2018" (da) or "2 March 2018" (en)."""
    month = _MONTHS[language][value.month - 1]
    if language == "da":
        return f"{value.day}. {month} {value.year}"
    return f"{value.day} {month} {value.year}"
