"""The Content-Security-Policy allows scripts from our static files only: an inline handler (onclick=…)
or an inline <script> in a template would be blocked in the browser. Behaviours go in static/js
(actions.js: data-autosubmit, data-print, data-no-enter)."""

import re
from pathlib import Path

import fangkong

INLINE = re.compile(r"<[^>]*\son[a-z]+\s*=|<script(?![^>]*\bsrc=)[^>]*>", re.I)


def test_templates_have_no_inline_scripts_or_handlers():
    root = Path(fangkong.__file__).parent
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert not found, "move these to static/js: " + ", ".join(found)
