"""PDF documents with Chinese text: one embedded TrueType font and a small block builder.

Callers describe a document as a title plus headed sections of paragraphs, label/value lists and
tables; :func:`build_pdf` lays it out on A4 and returns the bytes. Every string is plain text (it
is escaped here), so user input can never inject reportlab markup.

The font is WenQuanYi Micro Hei (Apache-2.0, ``documents/fonts/``), registered as a TrueType
font so reportlab subsets and embeds it (``FontFile2``). reportlab's built-in CID fonts such as
STSong-Light are never used: they are not embedded and show as boxes on readers without them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT_NAME = "WanjiaCJK"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT_FACE = 0  # the collection's proportional face (微米黑); face 1 is its monospaced twin

PAGE_SIZE = A4
MARGIN = 18 * mm


@functools.cache
def register_fonts() -> str:
    """Register the CJK TrueType font with reportlab once per process; return its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=FONT_FACE))
    return FONT_NAME


# ---------------------------------------------------------------------------------------------
# Blocks: what a section is made of. All text is plain (escaped when laid out).


@dataclass(frozen=True)
class Text:
    """A paragraph; newlines in ``text`` become line breaks. ``muted`` prints it smaller and grey."""

    text: str
    muted: bool = False


@dataclass(frozen=True)
class Fields:
    """Label/value pairs printed as a two-column list (e.g. 家访日期: 2025-01-12)."""

    items: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Grid:
    """A table with a header row; cells wrap. ``widths`` are relative column weights."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None


@dataclass(frozen=True)
class Section:
    """A headed part of the document. ``level`` 1 is a chapter, 2 a sub-heading.

    ``new_page`` starts the section on a fresh page (e.g. one visit per page).
    """

    heading: str
    blocks: Sequence[Text | Fields | Grid] = field(default_factory=tuple)
    level: int = 1
    new_page: bool = False


# ---------------------------------------------------------------------------------------------
# Layout


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    font = register_fonts()
    # wordWrap="CJK" lets lines break between any two Chinese characters (there are no spaces).
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=11, leading=18, alignment=TA_CENTER, textColor=colors.grey
        ),
        "h1": ParagraphStyle("h1", parent=base, fontSize=15, leading=22, spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=19, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body2", parent=base, spaceAfter=5),
        "muted": ParagraphStyle("muted", parent=base, fontSize=9, leading=13, textColor=colors.grey),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "label": ParagraphStyle("label", parent=base, fontSize=9.5, leading=14, textColor=colors.grey),
    }


def _markup(text: str) -> str:
    """Plain text to reportlab paragraph markup: escaped, newlines kept as breaks."""
    return "<br/>".join(escape(line) for line in str(text).splitlines()) or "&nbsp;"


def _para(text: str, style: str) -> Paragraph:
    return Paragraph(_markup(text), _styles()[style])


_TABLE_LINES = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd2d9")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    # Tables set Helvetica on the canvas even when every cell is a Paragraph; keep to the embedded font.
    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]


def _widths(weights: Sequence[float] | None, columns: int) -> list[float]:
    usable = PAGE_SIZE[0] - 2 * MARGIN
    weights = list(weights) if weights and len(weights) == columns else [1.0] * columns
    total = sum(weights) or 1.0
    return [usable * w / total for w in weights]


def _block(block: Text | Fields | Grid) -> list[Flowable]:
    if isinstance(block, Text):
        return [_para(block.text, "muted" if block.muted else "body")]
    if isinstance(block, Fields):
        if not block.items:
            return []
        rows = [[_para(label, "label"), _para(value, "cell")] for label, value in block.items]
        table = Table(rows, colWidths=_widths([1, 3.2], 2), hAlign="LEFT", splitInRow=1)
        table.setStyle(TableStyle([*_TABLE_LINES[1:], ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        return [table, Spacer(1, 4)]
    header = [_para(cell, "cell") for cell in block.header]
    rows = [[_para(cell, "cell") for cell in row] for row in block.rows]
    # splitInRow: a cell taller than a page (a long plan, a long record) flows on to the next page
    # instead of failing the whole document.
    table = Table(
        [header, *rows], colWidths=_widths(block.widths, len(block.header)), repeatRows=1, splitInRow=1
    )
    table.setStyle(TableStyle([*_TABLE_LINES, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6"))]))
    return [table, Spacer(1, 6)]


def _flowables(title: str, subtitle: str, sections: Sequence[Section]) -> list[Flowable]:
    story: list[Flowable] = [_para(title, "title")]
    if subtitle:
        story.append(_para(subtitle, "subtitle"))
    story.append(Spacer(1, 8))
    for section in sections:
        if section.new_page:
            story.append(PageBreak())
        heading = _para(section.heading, "h1" if section.level <= 1 else "h2")
        body = [flowable for block in section.blocks for flowable in _block(block)]
        # Keep a heading with the start of its section: never a heading alone at a page's foot.
        story.append(KeepTogether([heading, *body[:1]]))
        story.extend(body[1:])
    return story


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(register_fonts(), 8.5)
    canvas.setFillColor(colors.grey)
    label = _("Page %(number)s") % {"number": doc.page}
    canvas.drawCentredString(PAGE_SIZE[0] / 2, 10 * mm, label)
    if doc.title:
        canvas.drawString(MARGIN, 10 * mm, doc.title[:40])
    canvas.restoreState()


def build_pdf(
    *, title: str, sections: Sequence[Section], subtitle: str = "", author: str = "", subject: str = ""
) -> bytes:
    """Lay out ``title`` and ``sections`` on A4 pages; return the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        # The canvas' default font is Helvetica (not embedded); start with ours so every font is.
        initialFontName=FONT_NAME,
        title=title,
        author=author,
        subject=subject,
        creator="Wanjia",
        lang="zh-CN",
    )
    doc.build(_flowables(title, subtitle, sections), onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
