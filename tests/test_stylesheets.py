"""A template's stylesheets are parsed once per process (worker.render.stylesheets).

What a reader could notice: nothing. A print with stylesheets kept from an earlier print
is the same bytes as one that parsed them, and a head this does not recognise is left to
WeasyPrint as it is. What the process holds is bounded.
"""

from __future__ import annotations

import re

from core.content import Strategy
from worker.render import stylesheets
from worker.render.fetcher import ThemeFetcher
from worker.render.html import build_html
from worker.render.pdf import print_pdf
from worker.render.theme import load_theme


def _forget() -> None:
    stylesheets._local.__dict__.clear()


def test_a_print_with_kept_stylesheets_is_the_same_as_one_that_parsed_them(
    udkast2: Strategy,
) -> None:
    theme = load_theme("kommune")
    html = build_html(udkast2, theme)
    _forget()

    parsed_now = print_pdf(html, theme)
    kept = print_pdf(html, theme)

    assert kept == parsed_now
    assert len(stylesheets._local.kept) == 1


def test_only_the_templates_own_stylesheets_are_taken_from_the_head(udkast2: Strategy) -> None:
    html = build_html(udkast2, load_theme("default"))

    apart = stylesheets.split(html)

    assert apart is not None
    rest, sources = apart
    assert [kind for kind, _ in sources] == ["link", "style"]
    assert sources[0] == ("link", "print.css")
    assert "@font-face" in sources[1][1]
    head = rest[: rest.index("</head>")]
    assert not re.search("<style|<link", head)
    assert rest[rest.index("</head>") :] == html[html.index("</head>") :]


def test_a_head_with_a_stylesheet_of_another_form_is_left_as_it_is(udkast2: Strategy) -> None:
    html = build_html(udkast2, load_theme("default"))
    other = html.replace("</head>", '<link rel="stylesheet" media="print" href="x.css">\n</head>')

    assert stylesheets.split(other) is None
    assert stylesheets.split("<p>no head</p>") is None


def test_a_title_that_looks_like_a_stylesheet_stays_text(udkast2: Strategy) -> None:
    hostile = udkast2.model_copy(
        update={
            "document": udkast2.document.model_copy(
                update={"title": "<style>body { color: red }</style>"}
            )
        }
    )
    html = build_html(hostile, load_theme("default"))

    apart = stylesheets.split(html)

    assert apart is not None
    assert all("color: red" not in value for _, value in apart[1])
    assert "&lt;style&gt;body { color: red }&lt;/style&gt;" in apart[0]


def test_the_stylesheets_a_process_keeps_are_bounded() -> None:
    theme = load_theme("default")
    fetcher = ThemeFetcher(*theme.folders)
    base = str(theme.path.resolve()) + "/"
    _forget()

    for n in range(stylesheets._KEPT + 5):
        stylesheets.parsed((("style", f"p {{ margin: {n}px }}"),), base, fetcher)
    first = stylesheets.parsed((("style", "p { margin: 0px }"),), base, fetcher)

    assert len(stylesheets._local.kept) == stylesheets._KEPT
    assert stylesheets.parsed((("style", "p { margin: 0px }"),), base, fetcher) is first
