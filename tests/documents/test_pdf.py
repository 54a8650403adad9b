"""documents.pdf: Chinese text survives into the PDF, in an embedded TrueType font."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from pypdf import PdfReader

from documents.pdf import Fields, Grid, Section, Text, build_pdf


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font used on any page -> whether its descriptor carries a TrueType file (FontFile2)."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            found[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return found


@pytest.mark.smoke
def test_build_pdf_embeds_the_cjk_font_and_keeps_the_text() -> None:
    with translation.override("en"):  # the page label; the Chinese one arrives with locale/
        data = build_pdf(
            title="家访手册 · 王老师",
            subtitle="2025 活动年度",
            author="王老师",
            sections=[
                Section(
                    "第一次家访",
                    [
                        Fields([("家访日期", "2025-01-12"), ("学生", "李小明 <b>&amp;")]),
                        Text("家长反映孩子在家很听话。\n成绩有进步。" * 40),
                        Grid(["项目", "内容"], [["帮扶实事", "送去冬衣两件"]], widths=[1, 3]),
                    ],
                ),
                Section("家访随笔", [Text("第二页")], level=2, new_page=True),
            ],
        )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3  # the long paragraph flows on, the new_page section starts afresh
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "家访手册",
        "2025 活动年度",
        "2025-01-12",
        "李小明 <b>&amp;",
        "送去冬衣两件",
        "第二页",
        "Page 1",
    ):
        assert expected in text
    fonts = embedded_fonts(reader)
    assert fonts, "no fonts found"
    # Only our subset TrueType font: no Helvetica, no non-embedded CID font such as STSong-Light.
    assert all(fonts.values()), fonts
    assert all("WenQuanYiMicroHei" in name for name in fonts), fonts
    assert reader.metadata is not None and reader.metadata.title == "家访手册 · 王老师"


def test_a_cell_longer_than_a_page_flows_on_instead_of_failing() -> None:
    long_goals = "每周两次数学辅导，家校共同督促完成作业。" * 150  # 3,000 characters in one cell
    data = build_pdf(
        title="评价材料",
        sections=[
            Section("帮扶计划", [Grid(["日期", "目标"], [["2026-05-12", long_goals + "完"]], widths=[1, 4])]),
            Section("家访", [Fields([("措施", long_goals + "止")])]),
        ],
    )
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert len(reader.pages) >= 4
    assert "完" in text and "止" in text  # the ends of both long cells are printed
