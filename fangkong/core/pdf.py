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
