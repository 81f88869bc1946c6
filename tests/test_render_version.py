"""The render cache's fingerprint changes with any code or theme file a render depends on."""

from __future__ import annotations

import shutil

from worker.render.fingerprint import ROOT, fingerprint, renderer_version, source_files


def test_the_fingerprint_covers_the_renderers_core_and_the_theme():
    files = {p.relative_to(ROOT).as_posix() for p in source_files("default")}

    assert {
        "worker/render/pdf.py",
        "worker/render/docx/document.py",
        "worker/render/redline/document.py",
    } <= files
    # The renderers build documents from these; a fix there changes the files.
    for module in ("diff", "parts", "textdiff", "paragraphdiff", "consultation", "labels"):
        assert f"core/{module}.py" in files
    assert {"core/richtext.py", "core/content.py", "templates/filters.py"} <= files
    assert "templates/default/theme.toml" in files
    # Storage, the queue and the settings shape no render: editing them keeps the cache.
    assert not any(f.startswith(("store/", "broker/", "settings/")) for f in files)
    assert not any(f.startswith("core/") and "store" in f for f in files)


def test_changing_a_core_file_changes_the_version(tmp_path):
    # The same files copied elsewhere: equal bytes give the same version...
    copies = []
    for path in source_files("default"):
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    assert fingerprint(copies, tmp_path) == renderer_version("default")

    # ...and a fix in the word diff gives another, so yesterday's render is not reused.
    textdiff = tmp_path / "core" / "textdiff.py"
    textdiff.write_text(textdiff.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    assert fingerprint(copies, tmp_path) != renderer_version("default")


def test_the_stored_diffs_fingerprint_covers_the_domains_diff_code():
    # A fix in the diff must make stored diffs be computed again: the fingerprint reads
    # the domain's modules (and only those), wherever the store itself lives.
    from store import comparisons

    names = {path.name for path in comparisons.CORE.glob("*.py")}
    assert {"diff.py", "textdiff.py", "paragraphdiff.py", "alignment.py"} <= names
    assert comparisons.CORE.name == "core"
