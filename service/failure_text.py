"""Why a file or a preview could not be made, said in the page's language.

The worker stores one English sentence per kind of failure (core.failures); this reads
it back and words it for the reader. A sentence of no known kind is shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from core.failures import read_failure

Values = dict[str, str]

_WORDED: dict[str, Callable[[Values], str]] = {
    "timeout": lambda v: _(
        "Det tog over %(seconds)s sekunder at lave filen; dokumentet er for stort eller "
        "for indviklet.",
        seconds=v["seconds"],
    ),
    "memory_limit": lambda v: _(
        "Filen krævede mere end de %(limit)s MiB hukommelse, én fil må bruge (%(used)s MiB, "
        "da den blev stoppet); dokumentet er for stort eller for indviklet.",
        limit=v["limit"],
        used=v["used"],
    ),
    "out_of_memory": lambda v: _(
        "Serveren løb tør for hukommelse; dokumentet er for stort eller for indviklet."
    ),
    "storage_full": lambda v: _(
        "Serverens disk er fuld, så filen kunne ikke gemmes. Send udkastet igen, når der er "
        "gjort plads."
    ),
    "renderer_failed": lambda v: _(
        "Programmet, der laver filen, fejlede på dette udkast (%(error)s). Detaljerne står i "
        "arbejderens log.",
        error=v["error"],
    ),
    "gave_up": lambda v: _(
        "Opgivet efter %(attempts)s forsøg: programmet gik ned eller blev stoppet hver gang "
        "(dokumentet er måske for stort eller for indviklet).",
        attempts=v["attempts"],
    ),
    "unknown_output": lambda v: _(
        "Denne server kan ikke lave filen %(output)s.", output=v["output"]
    ),
    "no_previous": lambda v: _("Der er ingen tidligere version at sammenligne med."),
    "theme": lambda v: _(
        "Designet %(theme)s kan ikke indlæses: %(detail)s", theme=v["theme"], detail=v["detail"]
    ),
    "invalid_draft": lambda v: _(
        "Det gemte udkast er ikke længere gyldigt: %(detail)s", detail=v["detail"]
    ),
    "preview_timeout": lambda v: _(
        "Forhåndsvisningen tog over %(seconds)s sekunder.", seconds=v["seconds"]
    ),
    "preview_memory": lambda v: _(
        "Forhåndsvisningen krævede mere end %(limit)s MiB hukommelse (%(used)s MiB).",
        limit=v["limit"],
        used=v["used"],
    ),
    "preview_invalid": lambda v: _(
        "Indholdet er ikke længere gyldigt: %(detail)s", detail=v["detail"]
    ),
    "preview_failed": lambda v: _("PDF-programmet fejlede (%(error)s).", error=v["error"]),
    "queue_down": lambda v: _("Køen svarer ikke lige nu. Prøv igen om et øjeblik."),
}


def failure_text(stored: str | None) -> str:
    """Return a stored failure sentence in the page's language ("" for none)."""
    if not stored:
        return ""
    found = read_failure(stored)
    if found is None or found[0] not in _WORDED:
        return stored
    kind, values = found
    return str(_WORDED[kind](values))
