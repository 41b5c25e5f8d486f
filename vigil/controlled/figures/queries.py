"""Period figures: what came in, was used, destroyed, lost and what stayed, per item,
organisation, commune and province, for a half-year, a year or any dates.

Computed from the ledger alone, by the database: one GROUP BY over the visible
entries up to the end of the period (by pair of accounts, item, before or within
the period, reversal or not), so however many entries there are, Python only sees
a few hundred sums. Then each sum is classified by the accounts it moved between.

The *holdings* are the stores and the blasting faces (what is issued to a face is
still the organisation's until it is used or returned). Within the period, every
quantity that crosses the edge of a group's holdings lands in one column; a movement
inside the group (between two of its stores, a store and its face) changes nothing
but what is at the face. So, exactly, for every group and item:

    opening + received + in − out − used − destroyed − lost − (change at the face) = closing

where opening and closing are what the group's stores hold (the ledger's sum up to
that moment: ``Balance`` when the end is today). A reversing entry counts in the
column of the entry it reverses, negatively: a cancelled transfer is less sent, not
something received; a found loss is less lost.

What is at a face is placed at the store that issued it: the entries that use it
are found through the blast lines that name them (a few, beside a million).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Max, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import Item, shown
from vigil.controlled.ledger.models import Account, LedgerEntry
from vigil.controlled.registry.models import Store
from vigil.org.models import Committee
from vigil.org.scope import Viewer

Kind = Account.Kind

COLUMNS = (
    "opening", "received", "transferred_in", "transferred_out", "used", "destroyed",
    "lost", "at_face", "closing",
)  # fmt: skip

COLUMN_LABELS: dict[str, Any] = {
    "opening": _("Opening stock"),
    "received": _("Received"),
    "transferred_in": _("Transferred in"),
    "transferred_out": _("Transferred out"),
    "used": _("Used"),
    "destroyed": _("Destroyed"),
    "lost": _("Lost"),
    "at_face": _("Change at blasting faces"),
    "closing": _("Closing stock"),
}

GROUPS: dict[str, Any] = {
    "item": _("Province"),
    "organisation": _("Organisation"),
    "commune": _("Commune"),
    "store": _("Store"),
}

# Where an outside account's quantity goes, seen from the holdings it leaves:
# (column, sign). Coming back from it is the same column with the other sign.
_LEAVING: dict[str, tuple[str, int]] = {
    Kind.SUPPLIER: ("received", -1),
    Kind.CONSUMPTION: ("used", 1),
    Kind.DESTRUCTION: ("destroyed", 1),
    Kind.LOST: ("lost", 1),
    Kind.IN_TRANSIT: ("transferred_out", 1),
}
_ENTERING: dict[str, tuple[str, int]] = {
    Kind.SUPPLIER: ("received", 1),
    Kind.CONSUMPTION: ("used", -1),
    Kind.DESTRUCTION: ("destroyed", -1),
    Kind.LOST: ("lost", -1),
    Kind.IN_TRANSIT: ("transferred_in", 1),
}


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight of ``start`` to local midnight after ``end`` (Vietnam time)."""
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    return since, until


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def half_year_period(year: int, half: int) -> tuple[dt.date, dt.date]:
    if half not in (1, 2):
        raise ValueError("half must be 1 or 2")
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (
        dt.date(year, 7, 1), dt.date(year, 12, 31)
    )  # fmt: skip


@dataclass(frozen=True)
class Holding:
    """A store, or the blasting face of a store (``face``); ``store`` None for a face
    whose issuing store is unknown."""

    organisation: int
    store: int | None
    face: bool


@dataclass
class Line:
    """One group's figures for one item, in stored units (g, cm, pieces)."""

    group: str
    group_id: int | None
    group_name: str
    item_id: int
    item_code: str
    item_name: str
    item_class: str
    opening: int = 0
    received: int = 0
    transferred_in: int = 0
    transferred_out: int = 0
    used: int = 0
    destroyed: int = 0
    lost: int = 0
    at_face: int = 0
    closing: int = 0

    def values(self) -> list[int]:
        return [getattr(self, c) for c in COLUMNS]

    def shown_values(self) -> list[str]:
        return [shown(self.item_class, v) for v in self.values()]

    @property
    def unit(self) -> str:
        return shown(self.item_class, 0).split(" ", 1)[1]

    @property
    def balanced(self) -> bool:
        """The identity of the module's docstring."""
        return (
            self.opening + self.received + self.transferred_in - self.transferred_out
            - self.used - self.destroyed - self.lost - self.at_face
        ) == self.closing  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "group": self.group, "group_id": self.group_id, "group_name": self.group_name,
            "item_id": self.item_id, "item_code": self.item_code, "item_name": self.item_name,
            "item_class": self.item_class, "unit": self.unit,
        }  # fmt: skip
        for column in COLUMNS:
            data[column] = getattr(self, column)
        data["shown"] = dict(zip(COLUMNS, self.shown_values(), strict=True))
        return data


# One sum of the GROUP BY: (from account, to account, item, reversal, before the
# period, issuing store of a face's use or None) -> quantity.
SumKey = tuple[int, int, int, bool, bool, int | None]


@dataclass
class Figures:
    """The sums of one period, and their lines by any grouping."""

    start: dt.date
    end: dt.date
    organisation: int | None
    admin_unit: int | None
    sums: dict[SumKey, int]
    accounts: dict[int, dict[str, Any]]
    stores: dict[int, dict[str, Any]]
    items: dict[int, Item]
    classification: int = 0
    committee_path: str | None = None  # only the stores of this committee's tree
    _cache: dict[str, list[Line]] = field(default_factory=dict)

    def lines(self, group: str = "item") -> list[Line]:
        """Per group and item, sorted by group name then item; ``item``: the province."""
        if group not in GROUPS:
            raise ValueError(group)
        if group not in self._cache:
            self._cache[group] = _lines(self, group)
        return self._cache[group]

    @property
    def by_item(self) -> list[Line]:
        return self.lines("item")

    @property
    def by_organisation(self) -> list[Line]:
        return self.lines("organisation")

    @property
    def by_commune(self) -> list[Line]:
        return self.lines("commune")

    def total(self, item: Item | int) -> Line | None:
        """The province's line for one item."""
        pk = item if isinstance(item, int) else item.pk
        return next((line for line in self.by_item if line.item_id == pk), None)


def period_figures(
    viewer: Viewer,
    *,
    start: dt.date,
    end: dt.date,
    organisation: Any = None,
    admin_unit: Any = None,
    committee: Committee | None = None,
) -> Figures:
    """The figures from ``start`` to ``end`` (whole local days, both included) of the
    stores the viewer may see (``visible_to``), optionally of one organisation, one
    commune (the store's administrative unit) or one committee's tree (the stores
    owned by ``committee`` or a committee below it)."""
    if end < start:
        raise ValueError("end before start")
    org_id = getattr(organisation, "pk", organisation)
    unit_id = getattr(admin_unit, "pk", admin_unit)
    path = committee.path if committee is not None else None
    since, until = period_bounds(start, end)
    entries = LedgerEntry.objects.visible_to(viewer)
    if LedgerEntry.objects.filter(at__gte=until).exists():
        entries = entries.filter(at__lt=until)  # else every entry is before the end
    narrowing = _account_filter(org_id, unit_id, path)
    if narrowing is not None:
        entries = entries.filter(narrowing)
    # One pass in the order of the index controlled_entry_figures (no sort, no table
    # read): the whole sum, what was before the period, and the period's reversals
    # (rare, tested first); the period's other entries are what is left.
    sums_of: dict[str, Any] = {
        "q": Sum("quantity"),
        "reversed": Sum("quantity", filter=Q(reverses__isnull=False) & Q(at__gte=since)),
        "c": Max("classification"),
    }
    if LedgerEntry.objects.filter(at__lt=since).exists():  # else nothing is before it
        sums_of["before"] = Sum("quantity", filter=Q(at__lt=since))
    rows = (
        entries.values("from_account_id", "to_account_id", "item_id").annotate(**sums_of).order_by()
    )
    sums: dict[SumKey, int] = defaultdict(int)
    level = 0
    for row in rows:
        pair = (row["from_account_id"], row["to_account_id"], row["item_id"])
        before, reversed_ = row.get("before") or 0, row["reversed"] or 0
        for key, q in (
            ((*pair, False, True, None), before),
            ((*pair, True, False, None), reversed_),
            ((*pair, False, False, None), row["q"] - before - reversed_),
        ):
            if q:
                sums[key] += q
        level = max(level, row["c"] or 0)
    _place_faces(sums, entries, since)
    account_ids = {k[0] for k in sums} | {k[1] for k in sums}
    accounts: dict[int, dict[str, Any]] = {
        a["pk"]: dict(a)
        for a in Account.objects.filter(pk__in=account_ids).values(
            "pk", "kind", "organisation_id", "store_id"
        )
    }
    store_ids = {a["store_id"] for a in accounts.values() if a["store_id"]}
    store_ids |= {k[5] for k in sums if k[5] is not None}
    stores: dict[int, dict[str, Any]] = {
        s["pk"]: dict(s)
        for s in Store.objects.filter(pk__in=store_ids).values(
            "pk", "name", "owning_agency_id", "owning_agency__name", "admin_unit_id",
            "admin_unit__name", "owning_committee__path",
        )
    }  # fmt: skip
    items = Item.objects.in_bulk({k[2] for k in sums})
    return Figures(
        start=start, end=end, organisation=org_id, admin_unit=unit_id, sums=dict(sums),
        accounts=accounts, stores=stores, items=items, classification=level,
        committee_path=path,
    )  # fmt: skip


def year_figures(viewer: Viewer, year: int, **filters: Any) -> Figures:
    start, end = year_period(year)
    return period_figures(viewer, start=start, end=end, **filters)


def half_year_figures(viewer: Viewer, year: int, half: int, **filters: Any) -> Figures:
    start, end = half_year_period(year, half)
    return period_figures(viewer, start=start, end=end, **filters)


def annual_summary(viewer: Viewer, year: int, **filters: Any) -> dict[str, Any]:
    """What the reports app's annual summary prints: the year's province figures per
    item and by organisation, each line with its stored and shown figures."""
    figures = year_figures(viewer, year, **filters)
    return {
        "year": year, "start": figures.start, "end": figures.end,
        "classification": figures.classification,
        "totals": [line.as_dict() for line in figures.by_item],
        "by_organisation": [line.as_dict() for line in figures.by_organisation],
    }  # fmt: skip


def _account_filter(org_id: int | None, unit_id: int | None, path: str | None = None) -> Q | None:
    """Only the entries that touch an account of the organisation's, the commune's or
    the committee tree's holdings (a face: of an organisation with a store there).
    Narrows the scan; which holding each sum belongs to is decided afterwards, exactly."""
    if org_id is None and unit_id is None and path is None:
        return None
    stores = Store.objects.all()
    if org_id is not None:
        stores = stores.filter(owning_agency_id=org_id)
    if unit_id is not None:
        stores = stores.filter(admin_unit_id=unit_id)
    if path is not None:
        stores = stores.filter(owning_committee__path__startswith=path)
    organisations = set(stores.values_list("owning_agency_id", flat=True))
    ids = list(
        Account.objects.filter(
            Q(store__in=stores) | Q(kind=Kind.AT_FACE, organisation_id__in=organisations)
        ).values_list("pk", flat=True)
    )
    return Q(from_account_id__in=ids) | Q(to_account_id__in=ids)


def _place_faces(sums: dict[SumKey, int], entries: Any, since: dt.datetime) -> None:
    """Move the sums of entries out of a face that a blast line names (what a blast
    used) to that blast's issuing store, so a commune's or a store's face is its own."""
    from vigil.controlled.blasts.models import BlastLine

    face_out = [k for k in sums if k[5] is None]
    faces = set(
        Account.objects.filter(pk__in={k[0] for k in face_out}, kind=Kind.AT_FACE).values_list(
            "pk", flat=True
        )
    )
    if not faces:
        return
    named = entries.filter(from_account_id__in=faces)
    rows = (
        BlastLine.objects.filter(use_entry__in=named.values("pk"))
        .annotate(
            b=Case(
                When(use_entry__at__lt=since, then=Value(1)), default=Value(0),
                output_field=IntegerField(),
            ),
            r=Case(
                When(use_entry__reverses__isnull=True, then=Value(0)), default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .values("blast__store_id", "use_entry__from_account_id", "use_entry__to_account_id",
                "use_entry__item_id", "b", "r")
        .annotate(q=Sum("use_entry__quantity"))
        .order_by()
    )  # fmt: skip
    for row in rows:
        plain = (row["use_entry__from_account_id"], row["use_entry__to_account_id"],
                 row["use_entry__item_id"], bool(row["r"]), bool(row["b"]))  # fmt: skip
        sums[(*plain, None)] -= row["q"]
        if not sums[(*plain, None)]:
            del sums[(*plain, None)]
        sums[(*plain, row["blast__store_id"])] += row["q"]


def _holding(figures: Figures, account_id: int, other_id: int, hint: int | None) -> Holding | None:
    """The holding an account is; a face is the face of the store it is issued
    from or returned to, or of the blast's issuing store (``hint``)."""
    account = figures.accounts[account_id]
    if account["kind"] == Kind.STORE:
        return Holding(account["organisation_id"], account["store_id"], face=False)
    if account["kind"] == Kind.AT_FACE:
        other = figures.accounts[other_id]
        store = other["store_id"] if other["kind"] == Kind.STORE else hint
        return Holding(account["organisation_id"], store, face=True)
    return None


def _inside(figures: Figures, h: Holding) -> bool:
    store = figures.stores.get(h.store) if h.store is not None else None
    if figures.organisation is not None and h.organisation != figures.organisation:
        return False
    if figures.admin_unit is not None and (
        store is None or store["admin_unit_id"] != figures.admin_unit
    ):
        return False
    if figures.committee_path is not None:
        return store is not None and store["owning_committee__path"].startswith(
            figures.committee_path
        )
    return True


def _group_of(figures: Figures, h: Holding, group: str) -> tuple[int | None, str]:
    store = figures.stores.get(h.store) if h.store is not None else None
    if group == "item":
        return None, str(GROUPS["item"])
    if group == "organisation":
        name = store["owning_agency__name"] if store else _organisation_name(h.organisation)
        return h.organisation, name
    if group == "commune":
        if store is None or store["admin_unit_id"] is None:
            return None, str(_("(no commune)"))
        return store["admin_unit_id"], store["admin_unit__name"]
    if store is None:
        return None, str(
            _("Blasting faces of %(org)s") % {"org": _organisation_name(h.organisation)}
        )
    return store["pk"], store["name"]


def _organisation_name(pk: int) -> str:
    from vigil.org.models import Agency

    return str(Agency.objects.filter(pk=pk).values_list("name", flat=True).first() or pk)


def _lines(figures: Figures, group: str) -> list[Line]:
    lines: dict[tuple[int | None, int], Line] = {}
    names: dict[tuple[Holding, str], tuple[int | None, str]] = {}

    def line_for(h: Holding, item_id: int) -> Line:
        if (h, group) not in names:
            names[(h, group)] = _group_of(figures, h, group)
        gid, gname = names[(h, group)]
        key = (gid, item_id)
        if key not in lines:
            item = figures.items[item_id]
            lines[key] = Line(group, gid, gname, item_id, item.code, item.name, item.item_class)
        return lines[key]

    for (src_id, dst_id, item_id, reversal, before, hint), q in figures.sums.items():
        src = _holding(figures, src_id, dst_id, hint)
        dst = _holding(figures, dst_id, src_id, hint)
        src = src if src is not None and _inside(figures, src) else None
        dst = dst if dst is not None and _inside(figures, dst) else None
        src_line = line_for(src, item_id) if src else None
        dst_line = line_for(dst, item_id) if dst else None
        _stock(src, src_line, -q, before)
        _stock(dst, dst_line, q, before)
        if before or src_line is dst_line:
            continue  # before the period, or inside one group (its face changed, above)
        sign = -1 if reversal else 1  # a reversal counts in its original's column
        if src_line is not None:
            column, factor = _column(figures, dst_id, leaving=not reversal)
            setattr(src_line, column, getattr(src_line, column) + sign * factor * q)
        if dst_line is not None:
            column, factor = _column(figures, src_id, leaving=reversal)
            setattr(dst_line, column, getattr(dst_line, column) + sign * factor * q)
    return sorted(
        lines.values(), key=lambda line: (line.group_name, line.item_class, line.item_name)
    )


def _stock(h: Holding | None, line: Line | None, q: int, before: bool) -> None:
    """What a holding holds: a store's opening and closing; a face's change."""
    if h is None or line is None:
        return
    if h.face:
        if not before:
            line.at_face += q
        return
    if before:
        line.opening += q
    line.closing += q


def _column(figures: Figures, other: int, *, leaving: bool) -> tuple[str, int]:
    """The column of a quantity leaving (or entering) a group's holdings to (from)
    account ``other``; another group's store or face is a transfer."""
    kind = figures.accounts[other]["kind"]
    table = _LEAVING if leaving else _ENTERING
    if kind in table:
        return table[kind]
    return ("transferred_out", 1) if leaving else ("transferred_in", 1)


def items_in(lines: Iterable[Line]) -> list[int]:
    return sorted({line.item_id for line in lines})
