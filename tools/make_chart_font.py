"""Make the chart font shipped in ``reportkit/data/fonts/``: a subset of Noto Sans CJK SC.

    python tools/make_chart_font.py [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

The charts need the GB2312 characters (every simplified character of ordinary documents, with
the full-width punctuation), ASCII and the few symbols the chart labels use. The source is the
Simplified Chinese face of the Noto Sans CJK Regular collection (Debian ``fonts-noto-cjk``).
Only the outlines, the horizontal metrics and the character map are kept (matplotlib reads no
OpenType layout tables), and the font is renamed: under the SIL Open Font License a modified
font must not be mistaken for the original. fontTools (the ``dev`` extra) is needed only here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "reportkit" / "data" / "fonts" / "ReportkitChartSansSC-Regular.otf"
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "Reportkit Chart Sans SC"  # must match reportkit.rendering.charts.CJK_FAMILY
POSTSCRIPT = "ReportkitChartSansSC-Regular"
# Beyond GB2312: symbols that chart labels and numbers use, some with look-alikes outside GB2312.
EXTRA = "%‰×÷±≤≥≈≠∶·•…—–－―‘’“”、。，：；！？（）［］【】《》〈〉「」『』〔〕°℃№①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ€￥"


def gb2312() -> set[str]:
    """Every character of GB2312 (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def characters() -> set[str]:
    return gb2312() | {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA) | {"\u00a0", "\u3000"}


def source_face(path: Path) -> TTFont:
    for face in TTCollection(str(path)).fonts:
        if face["name"].getDebugName(1) == SOURCE_FAMILY:
            return face
    raise SystemExit(f"{path} holds no {SOURCE_FAMILY} face")


def rename(font: TTFont) -> None:
    """New family, full and PostScript names; the copyright, licence and trademark notices stay."""
    names = font["name"]
    version = names.getDebugName(5)
    for record in list(names.names):
        if record.nameID not in (0, 7, 13, 14):
            names.removeNames(nameID=record.nameID)
    unique = f"{POSTSCRIPT};subset of {SOURCE_FAMILY} {version}"
    for name_id, text in ((1, FAMILY), (2, "Regular"), (3, unique), (4, FAMILY), (5, version), (6, POSTSCRIPT),
                          (10, f"GB2312 subset of {SOURCE_FAMILY} ({version}) for reportkit's charts.")):
        names.setName(text, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [POSTSCRIPT]
    top = cff.topDictIndex[0]
    top.FamilyName = FAMILY
    top.FullName = FAMILY
    if hasattr(top, "Weight"):
        top.Weight = "Regular"


def make(source: Path, out: Path) -> Path:
    font = source_face(source)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    options.name_IDs = ["*"]
    options.name_languages = [0x409]
    options.hinting = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters()))
    subsetter.subset(font)
    rename(font)
    font.recalcTimestamp = False  # the same source makes the same bytes
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    out = make(args.source, args.out)
    font = TTFont(str(out))
    print(f"{out}: {out.stat().st_size / 2**20:.1f} MB, {len(font.getBestCmap())} characters, "
          f"{font['name'].getDebugName(4)} {font['name'].getDebugName(5)}")


if __name__ == "__main__":
    main()
