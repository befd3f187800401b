"""The browser libraries are the pinned, licensed copies, and no page loads from elsewhere."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_vendored_files_match_their_pins():
    checked = subprocess.run([sys.executable, str(REPO / "scripts" / "vendor-web-assets"),
                              "--check"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_no_template_loads_a_script_or_style_from_another_site():
    remote = re.compile(r"""(src|href)=["'](https?:)?//""")
    offenders = [str(path.relative_to(REPO))
                 for path in REPO.glob("center/**/templates/**/*.html")
                 if remote.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
