"""What a test needs from the machine: missing in CI is a failure, elsewhere a skip."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def unavailable(message: str) -> NoReturn:
    """Fail when CI is set (CI must have everything), else skip with the message."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def soffice(unchecked: str) -> str:
    """Return LibreOffice's command, or stop the test saying what goes unchecked."""
    found = shutil.which("soffice")
    if found is None:
        unavailable(
            "LibreOffice (soffice) is not installed (apt-get install libreoffice-writer-nogui); "
            f"{unchecked} is unchecked"
        )
    return found
