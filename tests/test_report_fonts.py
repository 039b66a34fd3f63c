"""The report's GB/T 9704 fonts fall back to faces of the same kind on a Linux reader without the
Windows fonts: the fontconfig aliases shipped with the package make LibreOffice draw the 仿宋 body
in a serif CJK face, not the system's default sans."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reportkit.project import Project
from reportkit.rendering.build import build
from reportkit.rendering.make_template import FONT_TABLE
from reportkit.scaffold import init_project

CONF = Path(__file__).resolve().parents[1] / "reportkit" / "data" / "fonts" / "65-reportkit-gbt9704.conf"


def _aliases() -> dict[str, list[str]]:
    root = ET.parse(CONF).getroot()
    return {
        alias.findtext("family"): [f.text for f in alias.find("accept").findall("family")]
        for alias in root.findall("alias")
    }


def test_every_font_the_template_names_has_a_free_fallback_of_its_kind():
    aliases = _aliases()
    for name in FONT_TABLE:
        assert name in aliases, name
        assert any(f.startswith(("Noto Serif CJK", "Noto Sans CJK")) for f in aliases[name]), name
    assert "Noto Serif CJK SC" in aliases["仿宋_GB2312"]
    assert "Noto Sans CJK SC" in aliases["黑体"]


def _has_serif_cjk() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout
    return "Noto Serif CJK SC" in out


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdffonts") is None,
                    reason="LibreOffice (soffice) or poppler-utils (pdffonts) is not installed")
@pytest.mark.skipif(not _has_serif_cjk(), reason="fonts-noto-cjk (Noto Serif CJK SC) is not installed")
def test_libreoffice_draws_the_report_body_in_a_serif_face_with_the_shipped_aliases(tmp_path: Path):
    root = tmp_path / "proj"
    init_project(root, "ezhou")
    project = Project(root)
    build(project)
    report = next(project.outputs.glob("*报告.docx"))
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><include>{CONF}</include><include>/etc/fonts/fonts.conf</include></fontconfig>\n",
        encoding="utf-8",
    )

    def pdf_fonts(env_extra: dict[str, str], out: Path) -> str:
        out.mkdir()
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env_extra}
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
             "--outdir", str(out), str(report)],
            check=True, capture_output=True, env=env, timeout=240,
        )
        pdf = next(out.glob("*.pdf"))
        return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout

    with_aliases = pdf_fonts({"FONTCONFIG_FILE": str(fonts_conf)}, tmp_path / "with")
    assert "NotoSerifCJK" in with_aliases  # the 仿宋 body and the 方正小标宋 title
    assert "NotoSansCJK" in with_aliases  # the 黑体 headings stay sans
    without = pdf_fonts({}, tmp_path / "without")
    assert "NotoSerifCJK" not in without  # what the aliases fix: every face falls back to sans
