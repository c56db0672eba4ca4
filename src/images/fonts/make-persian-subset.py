#!/usr/bin/env python3
"""Writes DejaVuSansPersian.ttf and DejaVuSansPersian-Bold.ttf beside this script: the shipped DejaVu
Sans (assets/fonts) cut down to what Persian text needs, for resvg to shape. See README.md here.

Needs fontTools (Debian: apt-get install fonttools). Run from anywhere:
    python3 src/images/fonts/make-persian-subset.py
The output is deterministic: the same fonts give the same bytes.
"""
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONTS = HERE.parent.parent.parent / "assets" / "fonts"
FAMILY = "DejaVu Sans Persian"

# Arabic script with its presentation forms (the shaper's joined forms), the punctuation and
# symbols the pictures put in Persian lines, bidi controls, ZWNJ/ZWJ, and Basic Latin for digits
# and names inside Persian text. Anything else falls back to the full DejaVu Sans.
UNICODES = (
    list(range(0x20, 0x7F))
    + [0xA0, 0xAB, 0xB7, 0xBB, 0x2013, 0x2014, 0x2026, 0x26A0, 0x270E, 0xFFFD]
    + list(range(0x0600, 0x0700))
    + list(range(0x200C, 0x2010))
    + list(range(0x2066, 0x206A))
    + list(range(0xFB50, 0xFE00))
    + list(range(0xFE70, 0xFF00))
)


def make(source: str, target: str, style: str) -> None:
    font = TTFont(FONTS / source, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    # A modified Bitstream Vera font must be renamed (its licence, assets/fonts/LICENSE-DejaVu.txt).
    names = {1: FAMILY, 3: f"{FAMILY} {style} subset", 4: f"{FAMILY} {style}" if style != "Book" else FAMILY, 6: f"{FAMILY.replace(' ', '')}-{style}", 16: FAMILY, 17: style}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font.save(HERE / target)


make("DejaVuSans.ttf", "DejaVuSansPersian.ttf", "Book")
make("DejaVuSans-Bold.ttf", "DejaVuSansPersian-Bold.ttf", "Bold")
