"""Diacritic folding for Vietnamese search.

"khủng bố" has letters with two marks and "đ" is a letter of its own, not a
mark: NFD alone leaves it. Shadow columns store the folded text; queries are
folded the same way and matched with LIKE.
"""

import unicodedata

from django.db.models import Q

MAX_WORDS = 8
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics: "Đông Triều" -> "dong trieu"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def folded_query(field: str, query: str) -> Q:
    """Every word of ``query`` must appear in the folded column ``field``."""
    q = Q()
    # A handful of distinct words: a query is typed by a person, and every word
    # adds a condition (SQLite refuses an expression tree that grows too large).
    for word in list(dict.fromkeys(fold(query).split()))[:MAX_WORDS]:
        q &= Q(**{f"{field}__contains": word})
    return q
