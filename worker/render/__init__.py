"""Renderers, attached to the outputs of core.outputs: each output name has one render function.

A draft's output renders a validated Strategy in a theme; a comparison output renders
what changed between two (old, new, theme, and the comparison when the caller has it);
a høringsnotat output renders a version's inputs (the version, the previous one or None,
theme, and their comparison when the caller has it).
The renderer modules are imported when an output is first rendered, so that
`udkast validate` starts without WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from core import outputs
from core.content import Strategy
from core.diff import Comparison
from core.outputs import Output, UnknownOutput

__all__ = [
    "ComparisonRenderer",
    "DraftRenderer",
    "HearingRenderer",
    "comparison_renderer",
    "hearing_renderer",
    "register_output",
    "renderer",
    "unregister_output",
]

T = TypeVar("T")
DraftRenderer = Callable[[Strategy, str], bytes]
# (old, new, theme, comparison): the comparison is compare(old, new), stored once per pair
# by the worker; None makes the renderer compare the drafts itself.
ComparisonRenderer = Callable[[Strategy, Strategy, str, Comparison | None], bytes]
# (new, old or None for a first version, theme, comparison of the two or None).
HearingRenderer = Callable[[Strategy, Strategy | None, str, Comparison | None], bytes]


def _pdf() -> DraftRenderer:
    from worker.render.pdf import render_pdf

    return render_pdf


def _pdf_archival() -> DraftRenderer:
    from worker.render.pdf import render_archival_pdf

    return render_archival_pdf


def _docx() -> DraftRenderer:
    from worker.render.docx import render_docx

    return render_docx


def _changes_pdf() -> ComparisonRenderer:
    from worker.render.comparison_pdf import render_comparison_pdf

    return render_comparison_pdf


def _changes_docx() -> ComparisonRenderer:
    from worker.render.redline import render_redline_docx

    return render_redline_docx


def _hearing_notes_pdf() -> HearingRenderer:
    from worker.render.hearing import render_hearing_notes_pdf

    return render_hearing_notes_pdf


def _hearing_notes_docx() -> HearingRenderer:
    from worker.render.hearing import render_hearing_notes_docx

    return render_hearing_notes_docx


def _given(render: T) -> Callable[[], T]:
    return lambda: render


# Output name → a function that imports and returns its renderer.
_DRAFT: dict[str, Callable[[], DraftRenderer]] = {
    "pdf": _pdf,
    "pdf-archival": _pdf_archival,
    "docx": _docx,
}
_COMPARISON: dict[str, Callable[[], ComparisonRenderer]] = {
    "changes-pdf": _changes_pdf,
    "changes-docx": _changes_docx,
}
_HEARING: dict[str, Callable[[], HearingRenderer]] = {
    "hearing-notes-pdf": _hearing_notes_pdf,
    "hearing-notes-docx": _hearing_notes_docx,
}


def renderer(output: str) -> DraftRenderer:
    """Return the render function of a draft's output ("pdf", "docx", ...)."""
    load = _DRAFT.get(output)
    if load is None:
        raise UnknownOutput(
            f"unknown output {output!r}; choose from {', '.join(outputs.draft_outputs())}"
        )
    return load()


def comparison_renderer(output: str) -> ComparisonRenderer:
    """Return the function that renders what changed between two drafts."""
    load = _COMPARISON.get(output)
    if load is None:
        raise UnknownOutput(
            f"unknown comparison output {output!r}; "
            f"choose from {', '.join(outputs.comparison_outputs())}"
        )
    return load()


def hearing_renderer(output: str) -> HearingRenderer:
    """Return the function that renders a version's høringsnotat."""
    load = _HEARING.get(output)
    if load is None:
        raise UnknownOutput(
            f"unknown høringsnotat output {output!r}; "
            f"choose from {', '.join(outputs.output_names('hearing'))}"
        )
    return load()


def rendered_outputs() -> tuple[str, ...]:
    """Return the names of the outputs that have a renderer."""
    return (*_DRAFT, *_COMPARISON, *_HEARING)


def register_output(
    output: Output,
    *,
    render: DraftRenderer | None = None,
    compare: ComparisonRenderer | None = None,
    notes: HearingRenderer | None = None,
) -> None:
    """Register an output with its renderer (`render`, `compare` or `notes`, by its kind)."""
    if output.kind == "draft":
        if render is None or compare is not None or notes is not None:
            raise ValueError(f"the draft output {output.name!r} takes `render` only")
        outputs.register(output)  # first: it refuses a name that is taken
        _DRAFT[output.name] = _given(render)
    elif output.kind == "hearing":
        if notes is None or render is not None or compare is not None:
            raise ValueError(f"the høringsnotat output {output.name!r} takes `notes` only")
        outputs.register(output)
        _HEARING[output.name] = _given(notes)
    else:
        if compare is None or render is not None or notes is not None:
            raise ValueError(f"the comparison output {output.name!r} takes `compare` only")
        outputs.register(output)
        _COMPARISON[output.name] = _given(compare)


def unregister_output(name: str) -> None:
    """Remove an output and its renderer."""
    outputs.unregister(name)
    _DRAFT.pop(name, None)
    _COMPARISON.pop(name, None)
    _HEARING.pop(name, None)
