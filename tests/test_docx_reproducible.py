"""The same content, theme and udkast version give the same bytes, in any process.

Each file is rendered in two separate Python processes, a couple of seconds apart, and
compared byte for byte: a clock, a random key or a process's hash seed that reached a
file would show here. The content-addressed store then holds one copy of a document.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

# Renders every kind of file from the reference drafts into the folder given: each
# draft's PDF and DOCX, their comparison (PDF and tracked-changes DOCX), the
# høringsnotat (DOCX, PDF), one draft without a date, and one in the municipal theme.
_RENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from core.content import load
    from core.diff import compare
    from worker.render import comparison_renderer, hearing_renderer, renderer

    examples, out = Path(sys.argv[1]), Path(sys.argv[2])
    drafts = {
        name: load((examples / f"{name}.yaml").read_bytes(), filename=f"{name}.yaml")
        for name in ("udkast-1", "udkast-2")
    }
    old, new = drafts["udkast-1"], drafts["udkast-2"]
    undated = new.model_copy(
        update={"document": new.document.model_copy(update={"date": None})}
    )
    for name, strategy in {**drafts, "undated": undated}.items():
        for output in ("pdf", "docx"):
            (out / f"{name}.{output}").write_bytes(renderer(output)(strategy, "default"))
    comparison = compare(old, new)
    for output, suffix in (("changes-pdf", "pdf"), ("changes-docx", "docx")):
        data = comparison_renderer(output)(old, new, "default", comparison)
        (out / f"changes.{suffix}").write_bytes(data)
    data = comparison_renderer("changes-docx")(old, undated, "default", None)
    (out / "changes-undated.docx").write_bytes(data)
    for output, suffix in (("hearing-notes-pdf", "pdf"), ("hearing-notes-docx", "docx")):
        data = hearing_renderer(output)(new, old, "default", comparison)
        (out / f"hearing.{suffix}").write_bytes(data)
    for output in ("pdf", "docx"):  # the municipal theme: a logo, its own fonts
        (out / f"kommune.{output}").write_bytes(renderer(output)(new, "kommune"))
    """
)

FILES = (
    "udkast-1.pdf",
    "udkast-1.docx",
    "udkast-2.pdf",
    "udkast-2.docx",
    "undated.pdf",
    "undated.docx",
    "changes.pdf",
    "changes.docx",
    "changes-undated.docx",
    "hearing.pdf",
    "hearing.docx",
    "kommune.pdf",
    "kommune.docx",
)


def _render_in_a_new_process(out: Path) -> None:
    out.mkdir()
    subprocess.run(
        [sys.executable, "-c", _RENDER, str(EXAMPLES), str(out)],
        cwd=ROOT,
        check=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def two_renders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("renders")
    _render_in_a_new_process(base / "first")
    time.sleep(2.1)  # ZIP stamps have two-second steps: a clock would show
    _render_in_a_new_process(base / "second")
    return base / "first", base / "second"


@pytest.mark.parametrize("name", FILES)
def test_two_processes_render_the_same_bytes(two_renders, name):
    first, second = two_renders
    assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.parametrize("name", [n for n in FILES if n.endswith(".docx")])
def test_a_docx_is_stamped_with_the_drafts_date_in_a_fixed_order(two_renders, name):
    with zipfile.ZipFile(io.BytesIO((two_renders[0] / name).read_bytes())) as package:
        entries = package.infolist()
    names = [e.filename for e in entries]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    # udkast-1 is dated 2 March 2018, udkast-2 (the comparison's and the notes' newer
    # draft) 9 March; a draft without a date gets ZIP's first day.
    if "undated" in name:
        expected = (1980, 1, 1, 0, 0, 0)
    elif name.startswith("udkast-1"):
        expected = (2018, 3, 2, 12, 0, 0)
    else:
        expected = (2018, 3, 9, 12, 0, 0)
    assert {e.date_time for e in entries} == {expected}
