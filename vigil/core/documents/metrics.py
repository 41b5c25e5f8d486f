"""How wide a line of Times New Roman is, to size the short rules of the layout.

Decree 30 asks for rules whose length is a fraction of the text above them
(the issuer's rule 1/3–1/2, the motto's rule as long as the motto). Word does
not measure for us, so we do: the advance widths of Times (in 1/1000 em, the
same as Liberation Serif, which is metric-compatible with Times New Roman),
with Vietnamese letters measured as their base letter.
"""

from __future__ import annotations

import unicodedata

# Advance widths per 1000 em, regular and bold, for the characters we meet.
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_REGULAR_UPPER = (
    722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
    722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611,
)  # fmt: skip
_BOLD_UPPER = (
    722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
    722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667,
)  # fmt: skip
_REGULAR_LOWER = (
    444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
    500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444,
)  # fmt: skip
_BOLD_LOWER = (
    500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
    556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444,
)  # fmt: skip
_PUNCTUATION = {
    " ": (250, 250), ",": (250, 250), ".": (250, 250), "-": (333, 333), ":": (278, 333),
    ";": (278, 333), "/": (278, 278), "(": (333, 333), ")": (333, 333), "'": (180, 278),
}  # fmt: skip

REGULAR: dict[str, int] = {}
BOLD: dict[str, int] = {}
for _letters, _regular, _bold in (
    (_UPPER, _REGULAR_UPPER, _BOLD_UPPER),
    (_LOWER, _REGULAR_LOWER, _BOLD_LOWER),
):
    REGULAR.update(zip(_letters, _regular, strict=True))
    BOLD.update(zip(_letters, _bold, strict=True))
for _char, (_regular_width, _bold_width) in _PUNCTUATION.items():
    REGULAR[_char], BOLD[_char] = _regular_width, _bold_width
for _digit in "0123456789":
    REGULAR[_digit] = BOLD[_digit] = 500


def _base(char: str) -> str:
    if char in "Đđ":
        return "D" if char == "Đ" else "d"
    return unicodedata.normalize("NFD", char)[0]


def text_width_pt(text: str, size: float, *, bold: bool = False) -> float:
    """The printed width of ``text`` on one line, in points."""
    table = BOLD if bold else REGULAR
    units = sum(table.get(_base(char), 500) for char in text)
    return units * size / 1000


def wrapped_width_pt(text: str, size: float, available_pt: float, *, bold: bool = False) -> float:
    """The widest line of ``text`` broken at spaces to fit ``available_pt``, in points."""
    widest, line = 0.0, ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width_pt(candidate, size, bold=bold) > available_pt:
            widest = max(widest, text_width_pt(line, size, bold=bold))
            line = word
        else:
            line = candidate
    return max(widest, text_width_pt(line, size, bold=bold))
