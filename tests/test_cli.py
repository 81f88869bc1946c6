"""The `udkast` console script, run as a real process the way a person or a pipeline runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import example_path
from tests.docx_reading import paragraph_texts

UDKAST = Path(sys.executable).with_name("udkast")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(UDKAST), *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_validate_prints_valid_for_both_examples():
    for name in ("udkast-1", "udkast-2"):
        result = run("validate", str(example_path(name)))
        assert result.returncode == 0, result.stderr
        # "valid" comes first; the plain-language feedback follows it (test_plain_language).
        assert result.stdout.splitlines()[0] == "valid"


def test_validate_lists_every_problem_with_its_path(tmp_path):
    data = yaml.safe_load(example_path("udkast-2").read_text(encoding="utf-8"))
    del data["visions"][2]["headline"]
    data["signs_of_success"][0]["vision"] = "findes-ikke"
    data["document"]["language"] = "de"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = run("validate", str(bad))

    assert result.returncode == 1
    assert "visions[2].headline: required" in result.stderr
    assert "signs_of_success[0].vision:" in result.stderr
    assert "document.language:" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reads_json_from_stdin():
    data = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    import json

    result = run("validate", "-", stdin=json.dumps(data, default=str).encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "valid"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a: [unclosed", "not valid YAML"),
        (b"a: &x 1\nb: *x\n", "aliases"),
        (b"", "empty"),
    ],
)
def test_malformed_input_is_one_clear_line_not_a_traceback(tmp_path, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_is_reported_plainly(tmp_path):
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_render_writes_named_pdf_and_docx_and_prints_their_paths(tmp_path):
    result = run("render", str(example_path("udkast-2")), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    printed = [Path(line) for line in result.stdout.split()]
    assert printed == [
        tmp_path / "socialstrategi-udkast-2.pdf",
        tmp_path / "socialstrategi-udkast-2.docx",
    ]
    pdf_text = "".join(page.extract_text() for page in PdfReader(printed[0]).pages)
    assert "Alle skal have en ven" in pdf_text
    docx_text = "\n".join(paragraph_texts(printed[1]))
    assert "Socialstrategi 2018–2022" in docx_text


def test_render_one_format_and_unknown_options(tmp_path):
    result = run("render", str(example_path("udkast-1")), "-o", str(tmp_path), "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["socialstrategi-udkast-1.docx"]

    bad_output = run("render", str(example_path("udkast-1")), "--outputs", "odt")
    assert bad_output.returncode == 1 and "odt" in bad_output.stderr

    bad_theme = run("render", str(example_path("udkast-1")), "--theme", "../etc")
    assert bad_theme.returncode == 1 and "no theme named" in bad_theme.stderr


def test_the_count_is_of_every_problem_even_past_the_listed_200(tmp_path):
    data = yaml.safe_load(example_path("udkast-1").read_text(encoding="utf-8"))
    data["consultation"] = [
        {"id": f"input-{n}", "from": "Rådet", "input": "tekst", "status": "ukendt"}
        for n in range(300)
    ]  # 300 inputs, each with a status the format does not know
    bad = tmp_path / "mange-fejl.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = run("validate", str(bad))

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"300 problem(s) in {bad}"
    assert "and 100 more problems" in result.stderr


def test_render_into_a_file_not_a_folder_is_one_clear_line(tmp_path):
    existing = tmp_path / "ikke-en-mappe"
    existing.write_text("noget", encoding="utf-8")

    result = run("render", str(example_path("udkast-1")), "-o", str(existing), "--outputs", "docx")

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot create the folder {existing}:")
    assert "Traceback" not in result.stderr
    assert existing.read_text(encoding="utf-8") == "noget"


def test_render_where_the_file_cannot_be_written_is_one_clear_line(tmp_path):
    # A folder where the output file should go: writing it fails, whoever runs the test.
    (tmp_path / "socialstrategi-udkast-1.docx").mkdir()

    result = run("render", str(example_path("udkast-1")), "-o", str(tmp_path), "--format", "docx")

    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write ")
    assert "socialstrategi-udkast-1.docx" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("mapping.yaml", b"format: strategy/v1\ndocument:\n  title: a: b\nvisions: []\n", 3),
        ("tab.yaml", b"format: strategy/v1\n\ttitle: x\n", 2),
        ("comma.json", b'{\n  "format": "strategy/v1",\n  "document": {,\n}\n', 3),
    ],
)
def test_unreadable_input_names_the_line_to_fix(tmp_path, name, content, line):
    # What a person needs to fix it: the line to look at, in one line, whatever the parser says.
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    [message] = result.stderr.splitlines()
    assert f"line {line}:" in message
    assert ("not valid JSON" if name.endswith(".json") else "not valid YAML") in message
