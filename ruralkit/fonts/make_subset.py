#!/usr/bin/env python3
"""Build a small, static TrueType subset of Noto Sans SC for matplotlib.

Source (pinned): the Google Fonts build of Noto Sans SC, variable font
``NotoSansSC[wght].ttf`` (Version 2.004-H2, TrueType/glyf outlines, SIL OFL 1.1),
as shipped inside the PyPI wheel ``justmytype-intl-cjk==0.1.0``.  The wheel is
fetched with ``pip download`` (PyPI only) and checked against a pinned SHA-256.

Steps
  1. subset the variable font to: every character of GB2312 (all 6,763 hanzi plus
     its punctuation, full-width forms, pinyin letters, Greek, Cyrillic, kana,
     box drawing), printable ASCII, Latin-1, General Punctuation, CJK Symbols
     and Punctuation, Halfwidth/Fullwidth Forms, U+2212 MINUS SIGN, plus any
     characters found in the --extra-text files;
  2. instantiate it at the requested weight(s) (default wght=400, "Regular")
     into a static TrueType font -- no CFF, no variations, so matplotlib's Agg,
     PDF (Type 3 and Type 42) and SVG backends all handle it;
  3. rename the family (default "RuralKit Sans SC") so it cannot clash with a
     system-installed full or variable "Noto Sans SC" -- the OFL lets a
     Modified Version keep the name (only "Source" is a Reserved Font Name),
     renaming is for deterministic font selection;
  4. write the font(s), the unmodified OFL.txt from the source, and a NOTICE.

The output is byte-for-byte reproducible (timestamps are kept from the source).

Requirements: Python >= 3.9, fonttools (tested with 4.68.0), pip.

Usage
  python make_subset.py [--out DIR] [--source WHEEL_OR_TTF] [--weights 400 700]
                        [--family "RuralKit Sans SC"] [--extra-text FILE ...]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

WHEEL_REQ = "justmytype-intl-cjk==0.1.0"
WHEEL_NAME = "justmytype_intl_cjk-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "06d9665542bfcad373716bb80583aa2d9bb2086a054fe11f706b9bd41e03f256"
TTF_MEMBER = "justmytype_intl_cjk/fonts/ofl/notosanssc/NotoSansSC[wght].ttf"
TTF_SHA256 = "a3041811a78c361b1de50f953c805e0244951c21c5bd412f7232ef0d899af0da"
OFL_MEMBER = "justmytype_intl_cjk/fonts/ofl/notosanssc/OFL.txt"
OFL_SHA256 = "1c05c68c34f9708415aada51f17e1b0092d2cea709bf4a94cd38114f9e73d7d9"

SUBSET_TAG = "ruralkit-gb2312-1"  # bump when the character set or recipe changes

WEIGHT_NAMES = {
    100: "Thin",
    200: "ExtraLight",
    300: "Light",
    400: "Regular",
    500: "Medium",
    600: "SemiBold",
    700: "Bold",
    800: "ExtraBold",
    900: "Black",
}

# Ranges added on top of GB2312 (inclusive).
EXTRA_RANGES = [
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2010, 0x205E),  # General Punctuation (dashes, quotes, ellipsis, per mille...)
    (0x2212, 0x2212),  # MINUS SIGN (matplotlib's axes.unicode_minus)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (、。〈〉《》「」【】〔〕...)
    (0xFF01, 0xFFEF),  # Halfwidth and Fullwidth Forms (，：；（）！？...)
]


def gb2312_chars() -> list[str]:
    """Every character GB2312 encodes (rows 0xA1-0xF7 x cols 0xA1-0xFE)."""
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def wanted_codepoints(extra_files: list[Path]) -> set[int]:
    cps = {ord(c) for c in gb2312_chars()}
    for a, b in EXTRA_RANGES:
        cps.update(range(a, b + 1))
    for p in extra_files:
        cps.update(ord(c) for c in p.read_text("utf-8") if ord(c) >= 0x20)
    return cps


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_source(source: Path | None) -> tuple[bytes, bytes]:
    """Return (variable TTF bytes, OFL.txt bytes), both hash-checked."""
    if source is None:
        with tempfile.TemporaryDirectory(prefix="notosc-") as tmp:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "-d",
                    tmp,
                    WHEEL_REQ,
                ],
                check=True,
            )
            return load_source(Path(tmp) / WHEEL_NAME)
    if source.suffix == ".whl":
        whl = source.read_bytes()
        if sha256(whl) != WHEEL_SHA256:
            sys.exit(f"{source}: SHA-256 mismatch (expected {WHEEL_SHA256})")
        with zipfile.ZipFile(io.BytesIO(whl)) as z:
            ttf, ofl = z.read(TTF_MEMBER), z.read(OFL_MEMBER)
    else:  # a NotoSansSC[wght].ttf with OFL.txt beside it
        ttf, ofl = source.read_bytes(), (source.parent / "OFL.txt").read_bytes()
    if sha256(ttf) != TTF_SHA256:
        sys.exit(f"NotoSansSC[wght].ttf: SHA-256 mismatch (expected {TTF_SHA256})")
    if sha256(ofl) != OFL_SHA256:
        sys.exit(f"OFL.txt: SHA-256 mismatch (expected {OFL_SHA256})")
    return ttf, ofl


def subset_font(font: TTFont, cps: set[int]) -> None:
    opts = subset.Options()
    # fontTools' default OpenType feature list (kern, liga, locl, ccmp, mark, ...):
    # matplotlib >= 3.11 shapes text with libraqm/HarfBuzz, older versions use 'kern' only.
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.recalc_timestamp = False
    s = subset.Subsetter(opts)
    s.populate(unicodes=sorted(cps))
    s.subset(font)


def rename(font: TTFont, family: str, weight: int, version_src: str) -> str:
    style = WEIGHT_NAMES.get(weight, f"W{weight}")
    # Legacy RIBBI family: Regular/Bold live in the family itself, other
    # weights get their own legacy family (as the Noto static fonts do).
    if style in ("Regular", "Bold"):
        fam1, sub2 = family, style
    else:
        fam1, sub2 = f"{family} {style}", "Regular"
    ps = family.replace(" ", "") + "-" + style
    name = font["name"]
    for nid in (16, 17, 21, 22, 25):
        name.removeNames(nameID=nid)
    values = {
        1: fam1,
        2: sub2,
        3: f"{version_src.split(';')[0].replace('Version ', '')};{SUBSET_TAG};{ps}",
        4: f"{family} {style}",
        5: f"{version_src.split(';')[0]}; {SUBSET_TAG}",
        6: ps,
        10: (
            "Subset of Noto Sans SC (Google Fonts build, variable font instantiated at "
            f"wght={weight}) for ruralkit: GB2312 + ASCII + Latin-1 + CJK/full-width "
            "punctuation. Modified Version under the SIL Open Font License 1.1."
        ),
    }
    if style not in ("Regular", "Bold"):
        values[16], values[17] = family, style
    for nid, val in values.items():
        name.removeNames(nameID=nid)
        name.setName(val, nid, 3, 1, 0x409)  # Windows, Unicode BMP, en-US
        name.setName(val, nid, 1, 0, 0)  # Mac Roman, English
    font["OS/2"].usWeightClass = weight
    bold = weight >= 700 and style == "Bold"
    font["OS/2"].fsSelection = (font["OS/2"].fsSelection & ~0b1100001) | (
        0b100000 if bold else 0b1000000
    )
    font["head"].macStyle = 1 if bold else 0
    return ps


def build(ttf: bytes, cps: set[int], weight: int, family: str) -> tuple[TTFont, str]:
    vf = TTFont(io.BytesIO(ttf))
    vf.recalcTimestamp = False
    version_src = vf["name"].getDebugName(5)
    subset_font(vf, cps)
    static = instancer.instantiateVariableFont(vf, {"wght": weight})
    static.recalcTimestamp = False
    if "STAT" in static:
        del static["STAT"]
    static["name"].removeUnusedNames(static)  # drops the orphaned axis name ("Weight")
    ps = rename(static, family, weight, version_src)
    return static, ps


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--source", type=Path, help=f"local {WHEEL_NAME} or NotoSansSC[wght].ttf")
    ap.add_argument("--family", default="RuralKit Sans SC")
    ap.add_argument("--weights", type=int, nargs="+", default=[400])
    ap.add_argument(
        "--extra-text",
        type=Path,
        nargs="*",
        default=[],
        help="UTF-8 files whose characters are added to the subset",
    )
    args = ap.parse_args()

    ttf, ofl = load_source(args.source)
    cps = wanted_codepoints(args.extra_text)
    args.out.mkdir(parents=True, exist_ok=True)
    made = []
    for w in args.weights:
        font, ps = build(ttf, cps, w, args.family)
        path = args.out / f"{ps}.ttf"
        font.save(path)
        cmap = font.getBestCmap()
        missing = sorted(cp for cp in cps if cp not in cmap)
        made.append(path.name)
        print(
            f"wrote {path} ({path.stat().st_size:,} bytes, {len(cmap)} code points, "
            f"{font['maxp'].numGlyphs} glyphs; {len(missing)} requested code points "
            f"not in Noto Sans SC) sha256={sha256(path.read_bytes())}"
        )
    (args.out / "OFL.txt").write_bytes(ofl)
    (args.out / "NOTICE.txt").write_text(
        f"{', '.join(made)}: a Modified Version of Noto Sans SC (Version 2.004-H2, Google Fonts\n"
        "build, https://github.com/notofonts/noto-cjk), Copyright 2014-2021 Adobe\n"
        "(http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "Licensed under the SIL Open Font License, Version 1.1 (see OFL.txt beside this file).\n"
        f"Changes ({SUBSET_TAG}): variable font instantiated at "
        f"wght={','.join(map(str, args.weights))};\n"
        "subset to GB2312 + ASCII + Latin-1 + General Punctuation + CJK Symbols and\n"
        "Punctuation + Halfwidth/Fullwidth Forms + U+2212; family renamed to\n"
        f"'{args.family}'. Rebuild with make_subset.py.\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out / 'OFL.txt'} and {args.out / 'NOTICE.txt'}")


if __name__ == "__main__":
    main()
