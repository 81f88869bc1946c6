"""Mail: the receipt a hearing respondent gets, when an SMTP server is configured.

Nothing is sent without UDKAST_SMTP_HOST. A receipt that cannot be sent is logged and
the response stays stored: the person has the confirmation page either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

from flask_babel import gettext as _

from settings import Settings
from store import ResponseRecord

log = logging.getLogger("udkast.mail")
TIMEOUT = 10  # seconds: a slow mail server must not hold the respondent's page long


def send_receipt(settings: Settings, response: ResponseRecord, title: str, closes: dt.date) -> bool:
    """Send the respondent a receipt of their response; return whether it was sent."""
    if settings.smtp_host is None or not response.email:
        return False
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = response.email
    message["Subject"] = _("Tak for dit høringssvar: %(title)s", title=title)
    message.set_content(
        _(
            "Kære %(name)s\n\nVi har modtaget dit høringssvar til «%(title)s». Høringen "
            "slutter %(closes)s. Alle svar bliver læst, og høringsnotatet viser, hvad der "
            "blev gjort med hvert af dem.\n\nDit svar:\n\n%(text)s\n",
            name=response.name,
            title=title,
            closes=closes.isoformat(),
            text=response.text,
        )
    )
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as server:
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("receipt of response %s not sent: %s", response.id, exc)
        return False
    return True
