"""Fill empty msgstr entries of a .po file from a JSON dictionary (msgid -> Chinese).

Usage: python scripts/fill_po.py path/to/django.po path/to/zh.json
Keeps translations that are already there; reports msgids still untranslated.
"""

import json
import re
import sys


def main(po_path: str, dict_path: str) -> int:
    zh = json.load(open(dict_path, encoding="utf-8"))
    text = open(po_path, encoding="utf-8").read()
    missing = []

    def single(m):
        msgid, msgstr = m.group(1), m.group(2)
        if msgid == "" or msgstr:
            return m.group(0)
        key = bytes(msgid, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        if key in zh:
            return f'msgid "{msgid}"\nmsgstr "{zh[key]}"'
        missing.append(key)
        return m.group(0)

    text = re.sub(r'(?m)^msgid "(.*)"\nmsgstr "(.*)"$', single, text)

    def plural(m):
        msgid = m.group(1)
        if msgid in zh and not m.group(3):
            return f'msgid "{msgid}"\nmsgid_plural "{m.group(2)}"\nmsgstr[0] "{zh[msgid]}"'
        return m.group(0)

    text = re.sub(r'(?m)^msgid "(.*)"\nmsgid_plural "(.*)"\nmsgstr\[0\] "(.*)"$', plural, text)
    text = text.replace(
        '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"', '"Plural-Forms: nplurals=1; plural=0;\\n"'
    )
    text = text.replace("#, fuzzy\n", "", 1)
    open(po_path, "w", encoding="utf-8").write(text)
    if missing:
        print("untranslated:", *missing, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
