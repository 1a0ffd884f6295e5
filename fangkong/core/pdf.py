"""The CJK font of every PDF we print (reportlab).

reportlab's built-in STSong-Light is a CID font that is never embedded: each reader substitutes its own
font, and glyphs outside Adobe-GB1 that the reader lacks print as boxes ('·' came out as ☒). We embed a
TrueType CJK font instead (reportlab subsets it, so a page carries only the glyphs it uses). reportlab
cannot embed CFF-flavoured OpenType (Noto Sans CJK), hence a TrueType font: Debian's fonts-wqy-zenhei
(or fonts-wqy-microhei, fonts-arphic-uming/ukai), or any .ttf/.ttc named by FANGKONG_PDF_FONT
("path" or "path#subfont-index"). Without one, documents fall back to STSong-Light with a warning.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

FALLBACK = "STSong-Light"
EMBEDDED = "FangkongCJK"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)


def _configured() -> list[tuple[str, int]]:
    wanted = os.environ.get("FANGKONG_PDF_FONT", "").strip()
    found = []
    if wanted:
        path, _, index = wanted.partition("#")
        found.append((path, int(index) if index.isdigit() else 0))
    found += [(p, 0) for p in CANDIDATES]
    return found


@functools.cache
def cjk_font() -> str:
    """Register (once per process) and return the name of the font to draw Chinese text with."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for path, index in _configured():
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED, path, subfontIndex=index))
        except (TTFError, OSError) as exc:  # a CFF font or a broken file: try the next one
            logger.warning("PDF font %s unusable: %s", path, exc)
            continue
        return EMBEDDED
    logger.warning(
        "No embeddable CJK TrueType font found (apt-get install fonts-wqy-zenhei, or set "
        "FANGKONG_PDF_FONT): PDFs use the non-embedded %s and may print some characters as boxes.",
        FALLBACK,
    )
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK


# Characters that must not begin a line (Chinese punctuation closing a clause or a bracket): they stay
# with the character before them.
_NO_START = set("，。、；：？！）》」』】”’%,.;:?!)]")
_NO_END = set("（《「『【“‘([")  # and these do not end one: they stay with the character after them
# Runs of these stay whole (a number, a code, a Latin word): a line never breaks inside "1234" or "v12".
_WORD = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.+-_/#@%:")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for ch in text:
        if out and ((ch in _WORD and out[-1][-1] in _WORD) or ch in _NO_START or out[-1][-1] in _NO_END):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` points. reportlab's simpleSplit breaks only at spaces, so a
    Chinese sentence (no spaces) ran off the right edge of the page; here a line may break between any
    two Chinese characters, never inside a number or a Latin word unless that alone is wider than a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for tok in _tokens(para):
            if stringWidth(line + tok, font, size) <= width:
                line += tok
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = tok.lstrip()
            while stringWidth(line, font, size) > width and len(line) > 1:  # a word wider than a line
                cut = len(line) - 1
                while cut > 1 and stringWidth(line[:cut], font, size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


DISEASE = "documents.disease"
AUTHORITY = "documents.authority"
LEGAL_BASIS = "documents.legal_basis"


LETTERHEAD = {"disease": DISEASE, "authority": AUTHORITY, "legal_basis": LEGAL_BASIS}


def letterheads(at=None):
    """A function area path → {disease, authority, legal_basis}: what a document states, from policy
    for the document's area (a district may issue under its own name), never from code. Three queries
    however many letters are printed."""
    from fangkong.policies.selectors import policy_values_by_area, value_for_path

    values = {name: policy_values_by_area(key, at=at) for name, key in LETTERHEAD.items()}

    def for_path(path: str = "") -> dict[str, str]:
        return {name: str(value_for_path(v, path) or "") for name, v in values.items()}

    return for_path
