"""The look every certificate shares (course completion, event attendance): A4 landscape, a double border,
centred lines in Crimson Text, and the verification code and address at the foot."""
from pathlib import Path

import fontpkg_crimson_text
import fontpkg_noto_sans
from fpdf import FPDF

_FONT_FILES = Path(fontpkg_crimson_text.ROOT) / "files"
#: Noto Sans (a variable font, used at its default instance) supplies Greek, Cyrillic and anything else
#: Crimson Text lacks, so every name prints
_FALLBACK_FONT = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
INK, ACCENT, MUTED = (33, 37, 41), (23, 60, 105), (95, 99, 104)


class CertificateDocument:
    """Write lines from the top (`line`), then `footer` with the code, then `output()` the PDF's bytes."""

    def __init__(self, title: str):
        pdf = self.pdf = FPDF(orientation="L", format="A4")
        pdf.set_title(title)
        pdf.set_author("Casework Academy")
        pdf.set_auto_page_break(False)
        pdf.set_margins(30, 20, 30)
        pdf.add_font("Crimson", "", _FONT_FILES / "CrimsonText-Regular.ttf")
        pdf.add_font("Crimson", "B", _FONT_FILES / "CrimsonText-Bold.ttf")
        pdf.add_font("Crimson", "I", _FONT_FILES / "CrimsonText-Italic.ttf")
        pdf.add_font("NotoSans", "", _FALLBACK_FONT)
        pdf.set_fallback_fonts(["NotoSans"], exact_match=False)
        pdf.add_page()
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_line_width(0.3)
        pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
        pdf.set_y(24)

    def line(self, text: str, size: float, style: str = "", colour=INK, height: float | None = None,
             gap: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("Crimson", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, height or size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def footer(self, code: str, verify_url: str) -> None:
        """A rule, the verification code and where to check it; any further `line`s follow beneath."""
        pdf = self.pdf
        pdf.set_y(pdf.h - 44)
        pdf.set_draw_color(*MUTED)
        pdf.line(pdf.w / 2 - 60, pdf.get_y(), pdf.w / 2 + 60, pdf.get_y())
        pdf.ln(3)
        self.line(f"Verification code: {code}", 12, "B", gap=0.5)
        self.line(f"Check it at {verify_url}", 10, colour=MUTED)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
