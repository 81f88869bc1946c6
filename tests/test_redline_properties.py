"""The tracked-changes DOCX on generated pairs: accept all gives the new draft, reject all the old.

The oracle is each draft rendered on its own by `render_docx`, read back from the XML;
Word's Accept All / Reject All are simulated on the redline's XML (tests/redline_sim).
Texts are compared with runs of whitespace collapsed: a reflowed text is no change
(README), so the redline shows it as the new draft writes it, untracked.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from core.content import Strategy
from core.labels import labels
from tests.redline_sim import accept_all, draft_texts, plain_texts, reject_all, xml_root
from tests.strategy_pairs import draft_pairs, vision_pairs
from worker.render.redline import render_redline_docx


# Each example renders three documents (about half a second), so the examples are
# few: edits of every kind, and visions reordered and edited (their cards are merged
# from the comparison's changes, so a change it drops would show only the new text).
@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft_pairs())
def test_accept_all_is_the_new_draft_and_reject_all_the_old(
    pair: tuple[Strategy, Strategy],
) -> None:
    check_accept_and_reject(*pair)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vision_pairs())
def test_reordered_and_edited_visions_accept_and_reject_cleanly(
    pair: tuple[Strategy, Strategy],
) -> None:
    check_accept_and_reject(*pair)


def check_accept_and_reject(old: Strategy, new: Strategy) -> None:
    root = xml_root(render_redline_docx(old, new))
    report = labels(new.document.language)["consultation_report"]
    assert words(draft_texts(accept_all(root), report)) == words(plain_texts(new))
    assert words(draft_texts(reject_all(root), report)) == words(plain_texts(old))


def words(texts: list[str]) -> list[str]:
    return [" ".join(text.split()) for text in texts]
