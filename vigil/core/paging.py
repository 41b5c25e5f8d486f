"""A pager for lists that may hold more rows than are worth counting on every page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``CAP`` rows: a million-entry ledger or a hundred thousand tasks
    are not counted on every page. The page says when the cap is reached, and the
    list's filters reach what lies beyond it."""

    CAP = 10_000

    @cached_property
    def _counted(self) -> int:
        # Any CAP + 1 rows will do to count up to CAP and know whether more lie beyond
        # it: unordered, the database may take them from whichever index covers the filters.
        rows = self.object_list.order_by()[: self.CAP + 1]  # type: ignore[attr-defined]
        return int(rows.count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.CAP)

    @property
    def capped(self) -> bool:
        """Rows lie beyond the cap (a list of exactly ``CAP`` rows is paged through whole)."""
        return self._counted > self.CAP
