"""List the msgids used in more than one place, to check each (context, msgid) means one thing.

Usage: python scripts/msgid_audit.py [--apps N] [--uses N] [--word]

Django merges every catalogue and the first one holding a (context, msgid) wins, so one English
word used in two senses (a case's 'confirmed' and a contact's 'confirmed') shows one Chinese word
for both. This reads the code (Python and templates), and prints each (context, msgid) used from
at least N apps (default 2) or at least N places (--uses), with the Chinese each catalogue gives
and every line using it. A human reads the list and gives each different sense its own pgettext
context; the rule the catalogues keep is one meaning per (context, msgid). --word keeps the
msgids of at most three words, where the senses collide (sentences rarely do).
"""

import argparse
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fangkong"
CATALOGUES = [
    ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    *sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")),
]
STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
PY_CALLS = [
    # _("x"), gettext_lazy("x"), gettext_noop("x"), ...: no context.
    re.compile(r"\b(?:_|_lazy|gettext|gettext_lazy|gettext_noop|ngettext|ngettext_lazy)\(\s*" + STRING),
    # pgettext("ctx", "x"), npgettext(...), pgettext_lazy(...): a context first.
    re.compile(r"\b(?:pgettext|pgettext_lazy|npgettext|npgettext_lazy)\(\s*" + STRING + r"\s*,\s*" + STRING),
]
TEMPLATE = re.compile(r"\{%\s*(?:translate|trans)\s+" + STRING + r"(?:[^%]*?\bcontext\s+" + STRING + r")?")


def catalogue_entries(path: Path):
    """Yield (msgctxt, msgid, msgstr) of one .po file, obsolete entries skipped (comments too)."""
    cur, key = {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$', line)
        if m:
            key = "msgstr" if m.group(1) == "msgstr[0]" else m.group(1)  # Chinese has one plural form
            cur[key] = m.group(2)
        elif line.startswith('"') and key:
            cur[key] += line[1:-1]
        elif not line.strip():
            if cur.get("msgid"):
                yield cur.get("msgctxt", ""), cur["msgid"], cur.get("msgstr", "")
            cur, key = {}, None


def app_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else "project"


def uses():
    """(context, msgid) -> [(file:line, stripped line)] from the code, tests left out."""
    found = defaultdict(list)
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".py", ".html", ".txt") or "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hits = []
            if path.suffix == ".py":
                for m in PY_CALLS[0].finditer(line):
                    hits.append(("", m.group(1) if m.group(1) is not None else m.group(2)))
                for m in PY_CALLS[1].finditer(line):
                    ctx = m.group(1) if m.group(1) is not None else m.group(2)
                    hits.append((ctx, m.group(3) if m.group(3) is not None else m.group(4)))
            else:
                for m in TEMPLATE.finditer(line):
                    msgid = m.group(1) if m.group(1) is not None else m.group(2)
                    ctx = m.group(3) if m.group(3) is not None else (m.group(4) or "")
                    hits.append((ctx, msgid))
            for key in hits:
                found[key].append((f"{path.relative_to(ROOT)}:{number}", line.strip()))
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=2, help="list msgids used from at least N apps")
    parser.add_argument("--uses", type=int, default=0, help="or used in at least N places")
    parser.add_argument("--word", action="store_true", help="only msgids of at most three words")
    args = parser.parse_args()
    words: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for path in CATALOGUES:
        for ctx, msgid, msgstr in catalogue_entries(path):
            if msgstr:
                words[(ctx, msgid)][app_of(path.parents[2])] = msgstr
    listed = 0
    for key, where in sorted(uses().items(), key=lambda kv: (kv[0][1].lower(), kv[0][0])):
        ctx, msgid = key
        apps = {app_of(ROOT / ref.split(":")[0]) for ref, _ in where}
        if args.word and len(msgid.split()) > 3:
            continue
        if len(apps) < args.apps and not (args.uses and len(where) >= args.uses):
            continue
        listed += 1
        chinese = words.get(key, {})
        differ = "  DIFFER" if len(set(chinese.values())) > 1 else ""
        print(
            f"{msgid!r}"
            + (f" [context {ctx!r}]" if ctx else "")
            + f"  apps: {', '.join(sorted(apps))}{differ}"
        )
        for app, text in chinese.items():
            print(f"    {app}: {text}")
        if not chinese:
            print("    (no translation)")
        for ref, code in where:
            print(f"      {ref}: {code[:150]}")
    print(f"{listed} msgids listed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
