"""Meta-tests: every setting and every CLI command is documented in the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_environment_setting_is_in_the_readme_configuration_table():
    source = (ROOT / "settings" / "__init__.py").read_text(encoding="utf-8")
    settings = set(re.findall(r'"((?:UDKAST_|DATABASE_|REDIS_|MAX_)[A-Z_]+)"', source))
    table = README.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]

    assert settings, "no settings found in settings/__init__.py"
    assert sorted(s for s in settings if f"`{s}`" not in table) == []


def test_every_cli_command_is_in_the_readme():
    udkast = Path(sys.executable).with_name("udkast")
    usage = subprocess.run([str(udkast), "--help"], capture_output=True, text=True, check=True)
    # argparse lists each command indented under COMMAND with its help text.
    commands = re.findall(r"^    ([a-z]+)\s{2,}\S", usage.stdout, re.MULTILINE)
    assert len(commands) >= 6, usage.stdout
    block = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    assert sorted(c for c in commands if f"udkast {c}" not in block) == []
