"""Database expressions that Django does not ship, written for both our engines."""

from __future__ import annotations

from typing import Any

from django.db import models


class DaysBetween(models.Func):
    """Whole days from the second date to the first (``later - earlier``), NULL when
    either is NULL. Deterministic on both engines, so a generated column may use it."""

    arity = 2
    output_field = models.IntegerField()

    def _operands(self, compiler: Any) -> tuple[str, str, list[Any]]:
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return later, earlier, [*later_params, *earlier_params]

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        # PostgreSQL: date - date is a whole number of days.
        later, earlier, params = self._operands(compiler)
        return f"({later} - {earlier})", params

    def as_sqlite(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        # SQLite keeps dates as ISO text; julianday() of a date is a whole number.
        later, earlier, params = self._operands(compiler)
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)", params
