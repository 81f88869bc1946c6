"""The redline DOCX: real tracked changes that accept to the new draft and reject to the old.

Checks follow the tracked-changes notes (A3): an accept/reject simulation on the XML,
revision attributes, LibreOffice's import and the Open XML schema.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.content import Strategy, validate
from core.labels import labels
from tests import needs
from tests.redline_sim import (
    REPORT,
    W,
    accept_all,
    draft_texts,
    paragraph_texts,
    plain_texts,
    reject_all,
    text_of,
    xml_root,
)
from worker.render.redline import render_redline_docx

# --- Hand-made edits on the second draft, each a kind of change a committee makes ---------

SECTIONS = [
    {
        "id": "implementering",
        "title": "Implementering",
        "body": "Strategien omsættes *lokalt* i hvert borgercenter.\n\n"
        "- Ledelsen følger op hvert halve år.\n- Se [planen](https://example.org/plan).\n\n"
        "Vi evaluerer i **2020**.",
    },
    {"id": "baggrund", "title": "Baggrund", "body": "Strategien afløser tre ældre planer."},
]


def _base(udkast2: Strategy) -> dict[str, Any]:
    data = udkast2.to_data()
    data["sections"] = copy.deepcopy(SECTIONS)
    return data


def _reword_headline(d: dict[str, Any]) -> None:
    d["visions"][1]["headline"] = "Job og uddannelse til alle, der kan"


def _delete_paragraph(d: dict[str, Any]) -> None:
    d["visions"][0]["body"] = d["visions"][0]["body"].split("\n\n")[0]


def _add_indicator(d: dict[str, Any]) -> None:
    d["signs_of_success"].append(
        {"id": "ny", "vision": "tillid-arbejdsfaellesskaber", "indicator": "Sygefravær",
         "baseline": "5,1 % (2017)", "target": "Faldende", "data_source": "Lønsystemet"}
    )  # fmt: skip


def _remove_section(d: dict[str, Any]) -> None:
    del d["sections"][0]


def _move_vision(d: dict[str, Any]) -> None:
    d["visions"].insert(0, d["visions"].pop(3))


def _milestone_state(d: dict[str, Any]) -> None:
    d["timeline"][1]["state"] = "done"
    d["timeline"][3]["state"] = "cancelled"


def _metadata_and_foreword(d: dict[str, Any]) -> None:
    d["document"].update(status="consultation", draft_label="Høringsudkast", date="2018-04-02")
    del d["foreword"]


def _rich_text(d: dict[str, Any]) -> None:
    d["sections"][0]["body"] = d["sections"][0]["body"].replace("*lokalt*", "**lokalt og fælles**")
    d["sections"][0]["body"] = d["sections"][0]["body"].replace("[planen]", "[handleplanen]")


def _inputs_and_commitments(d: dict[str, Any]) -> None:
    del d["consultation"][2]
    d["consultation"][0]["status"] = "partly"
    d["visions"][2]["commitments"] = d["visions"][2]["commitments"][1:]
    d["visions"].append({"id": "ny-vision", "title": "Ny vision", "headline": "Noget nyt"})


def _space_before_comma(d: dict[str, Any]) -> None:
    # A space where there was none is no reflow: Reject All must take it away again.
    d["visions"][0]["body"] = d["visions"][0]["body"].replace("bo,", "bo ,", 1)


def _language(d: dict[str, Any]) -> None:
    # Every label changes with the language, the "Indhold"/"Contents" heading included.
    d["document"]["language"] = "en"


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "reword_headline": _reword_headline,
    "delete_paragraph": _delete_paragraph,
    "add_indicator": _add_indicator,
    "remove_section": _remove_section,
    "move_vision": _move_vision,
    "milestone_state": _milestone_state,
    "metadata_and_foreword": _metadata_and_foreword,
    "rich_text": _rich_text,
    "inputs_and_commitments": _inputs_and_commitments,
    "space_before_comma": _space_before_comma,
    "language": _language,
}


@pytest.fixture(scope="module")
def edited(udkast2: Strategy) -> dict[str, tuple[Strategy, Strategy, bytes]]:
    """Each edit as (old, new, redline), rendered once for the module."""
    out = {}
    for name, edit in EDITS.items():
        data = _base(udkast2)
        old = validate(copy.deepcopy(data))
        edit(data)
        new = validate(data)
        out[name] = (old, new, render_redline_docx(old, new))
        # The reverse edit too: an added part becomes a removed one, and so on.
        out[f"{name}-reversed"] = (new, old, render_redline_docx(new, old))
    return out


@pytest.fixture(scope="module")
def reference(udkast1: Strategy, udkast2: Strategy) -> bytes:
    return render_redline_docx(udkast1, udkast2)


def test_accept_all_gives_the_new_draft_and_reject_all_the_old(
    reference: bytes, udkast1: Strategy, udkast2: Strategy
) -> None:
    root = xml_root(reference)
    assert draft_texts(accept_all(root)) == plain_texts(udkast2)
    assert draft_texts(reject_all(root)) == plain_texts(udkast1)


def test_generated_benchmark_pair_accepts_and_rejects_cleanly() -> None:
    from bench.diff_bench import drafts

    old, new = drafts("S")  # reworded, deleted, inserted paragraphs and a moved section
    root = xml_root(render_redline_docx(old, new))
    assert draft_texts(accept_all(root)) == plain_texts(new)
    assert draft_texts(reject_all(root)) == plain_texts(old)


def _two_visions_one_input(title: str) -> Strategy:
    """A draft of two visions titled `title` and an input that concerns both."""
    visions = [{"id": i, "title": title, "headline": "Et"} for i in ("v1", "v2")]
    document = {"slug": "strategi", "title": "Et", "language": "da", "status": "draft"}
    consultation = [
        {"id": "c1", "from": "HovedMED", "input": "Et", "status": "incorporated",
         "affects": ["v1", "v2"]}
    ]  # fmt: skip
    return validate(
        {"format": "strategy/v1", "document": document, "visions": visions,
         "consultation": consultation}
    )  # fmt: skip


def test_a_trailing_space_in_a_title_rejects_to_the_old_appendix_line() -> None:
    # Found by Hypothesis: "Et" → "Et " reads "Vedrører: Et , Et" in the appendix, where
    # the space before the comma is new; rejected, the line must read "Et, Et" again.
    old, new = _two_visions_one_input("Et"), _two_visions_one_input("Et ")
    root = xml_root(render_redline_docx(old, new))
    assert [" ".join(t.split()) for t in draft_texts(accept_all(root))] == [
        " ".join(t.split()) for t in plain_texts(new)
    ]
    rejected = [" ".join(t.split()) for t in draft_texts(reject_all(root))]
    assert rejected == [" ".join(t.split()) for t in plain_texts(old)]
    assert "Vedrører: Et, Et" in rejected


@pytest.mark.parametrize("name", [n for e in EDITS for n in (e, f"{e}-reversed")])
def test_edits_accept_to_new_and_reject_to_old(
    name: str, edited: dict[str, tuple[Strategy, Strategy, bytes]]
) -> None:
    old, new, redline = edited[name]
    root = xml_root(redline)
    report = labels(new.document.language)["consultation_report"]
    assert root.find(f".//{W}ins") is not None or root.find(f".//{W}del") is not None
    assert draft_texts(accept_all(root), report) == plain_texts(new)
    assert draft_texts(reject_all(root), report) == plain_texts(old)


# --- Revision markup -----------------------------------------------------------------------

REVISIONS = tuple(f"{W}{tag}" for tag in ("ins", "del", "rPrChange", "pPrChange"))
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _all_redlines(reference: bytes, edited: dict[str, Any]) -> list[bytes]:
    return [reference, *(redline for _, _, redline in edited.values())]


def test_every_revision_has_a_unique_id_an_author_and_a_date(
    reference: bytes, edited: dict[str, Any]
) -> None:
    for data in _all_redlines(reference, edited):
        root = xml_root(data)
        revisions = list(root.iter(*REVISIONS))
        ids = [r.get(f"{W}id") for r in revisions]
        bookmarks = {b.get(f"{W}id") for b in root.iter(f"{W}bookmarkStart")}
        assert len(ids) == len(set(ids)) and not set(ids) & bookmarks
        assert all(r.get(f"{W}author") == "udkast" for r in revisions)
        assert all(DATE.match(r.get(f"{W}date") or "") for r in revisions)
        # Deleted text is w:delText, and only inside w:del.
        assert not [t for d in root.iter(f"{W}del") for t in d.iter(f"{W}t")]
        assert all(
            any(a.tag == f"{W}del" for a in t.iterancestors()) for t in root.iter(f"{W}delText")
        )


def test_author_and_date_are_the_callers_or_the_new_drafts(
    udkast1: Strategy, udkast2: Strategy, reference: bytes
) -> None:
    import datetime as dt

    assert {r.get(f"{W}date") for r in xml_root(reference).iter(*REVISIONS)} == {
        "2018-03-09T12:00:00Z"
    }
    when = dt.datetime(2018, 3, 10, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    root = xml_root(
        render_redline_docx(udkast1, udkast2, author="Kontor for Organisation", when=when)
    )
    stamps = {(r.get(f"{W}author"), r.get(f"{W}date")) for r in root.iter(*REVISIONS)}
    assert stamps == {("Kontor for Organisation", "2018-03-10T08:30:15Z")}


def _inside(element: Any, tag: str) -> bool:
    return any(a.tag == f"{W}{tag}" for a in element.iterancestors())


def _runs_text(root: Any, tag: str) -> str:
    return " ".join(e.text or "" for e in root.iter(f"{W}t", f"{W}delText") if _inside(e, tag))


def test_reference_headlines_cover_and_deleted_paragraph(reference: bytes) -> None:
    root = xml_root(reference)
    inserted, deleted = _runs_text(root, "ins"), _runs_text(root, "del")
    assert "Alle skal have en ven" in inserted
    assert "Et godt liv med nære relationer" in deleted
    # The årsværk paragraph of sund-organisation is deleted whole, mark included.
    aarsvaerk = [p for p in root.iter(f"{W}p") if "7.000 årsværk" in text_of(p)]
    assert len(aarsvaerk) == 1
    assert aarsvaerk[0].find(f"{W}pPr/{W}rPr/{W}del") is not None
    assert not [t for t in aarsvaerk[0].iter(f"{W}t")]
    # The draft label and date on the cover are tracked (cover: before the first heading).
    cover = []
    for p in root.iter(f"{W}p"):
        if p.find(f"{W}pPr/{W}pStyle[@{W}val='Heading1']") is not None:
            break
        cover.append(p)
    cover_del = " ".join(_runs_text(p, "del") for p in cover)
    cover_ins = " ".join(_runs_text(p, "ins") for p in cover)
    assert "1" in cover_del and "2" in cover_del and "9" in cover_ins


def test_reference_moved_vision_is_noted_at_both_places(reference: bytes) -> None:
    root = xml_root(reference)
    comments = xml_root(reference, "word/comments.xml")
    notes = {c.get(f"{W}id"): "".join(c.itertext()) for c in comments.iter(f"{W}comment")}
    titled = [
        p for p in root.iter(f"{W}p")
        if text_of(p) == "Det hele liv" and p.find(f"{W}commentRangeStart") is not None
    ]  # fmt: skip
    kinds = {"ins" if p.find(f"{W}ins") is not None else "del" for p in titled}
    assert kinds == {"ins", "del"}
    texts = [notes[p.find(f"{W}commentRangeStart").get(f"{W}id")] for p in titled]
    assert all("Flyttet" in t for t in texts)
    assert any("plads 2" in t for t in texts)


def test_reference_consultation_report_lists_pending_input(reference: bytes) -> None:
    root = xml_root(reference)
    texts = [t for _, t in paragraph_texts(root)]
    start = max(i for i, t in enumerate(texts) if t == REPORT)
    report = texts[start:]
    assert "HovedMED" in report
    at = report.index("Den rehabiliterende tilgang bør indtænkes under tegnene på succes.")
    assert "Afventer" in report[at : at + 6]
    # The report is plain content: no revision in or after its heading.
    heading = [p for p in root.iter(f"{W}p") if text_of(p) == REPORT][-1]
    for element in heading.itersiblings():
        assert element.find(f".//{W}ins") is None and element.find(f".//{W}del") is None


def test_report_shows_the_flag_of_an_input_the_changes_do_not_bear_out(
    udkast1: Strategy, udkast2: Strategy
) -> None:
    data = udkast2.to_data()
    data["consultation"].append(
        {"id": "ny", "from": "Handicaprådet", "input": "Nævn hjælpemidler.",
         "status": "incorporated", "affects": ["tid-med-borgere"]}
    )  # fmt: skip
    texts = [t for _, t in paragraph_texts(xml_root(render_redline_docx(udkast1, validate(data))))]
    flag = "Markeret som indarbejdet, men Andel af socialrådgivernes arbejdstid"
    assert any(t.startswith(flag) and t.endswith("er ikke ændret") for t in texts)
    assert "Handicaprådet" in texts


# --- Outside checks: LibreOffice and the Open XML schema -----------------------------------


def test_libreoffice_sees_the_tracked_changes_by_their_author(
    tmp_path: Path, reference: bytes, edited: dict[str, Any]
) -> None:
    soffice = needs.soffice("the redline's import in LibreOffice")
    files = {"reference": reference} | {name: red for name, (_, _, red) in edited.items()}
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    # One soffice call for every file: each start costs about two seconds.
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "odt", "--outdir", str(tmp_path),
         *(str(tmp_path / f"{n}.docx") for n in files)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    for name in files:
        with zipfile.ZipFile(tmp_path / f"{name}.odt") as odt:
            content = odt.read("content.xml").decode()
        regions = content.count("<text:changed-region ")
        assert regions > 0, name
        assert set(re.findall(r"<dc:creator>([^<]*)</dc:creator>", content)) == {"udkast"}, name
        if name == "reference":
            assert regions >= 40  # every kind of change of the reference pair is there


def test_openxml_audit_finds_no_schema_errors(
    tmp_path: Path, reference: bytes, edited: dict[str, Any]
) -> None:
    files = {"reference": reference} | {name: red for name, (_, _, red) in edited.items()}
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    audit = Path(sys.executable).with_name("openxml-audit")
    result = subprocess.run(
        [str(audit), str(tmp_path), "--recursive", "--output", "json"],
        capture_output=True, text=True, check=False, timeout=240,
    )  # fmt: skip
    reports = json.loads(result.stdout)
    assert len(reports) == len(files)
    for report in reports:
        schema = [e for e in report["errors"] if e["type"] == "schema"]
        assert schema == [], (report["file"], schema[:3])
