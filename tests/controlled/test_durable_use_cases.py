"""A use case opens its own durable transaction: called inside another one it
fails loudly instead of joining it; the helpers meant to nest (``…_within``,
``post_movements``) join the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from vigil.controlled.catalogue import services as catalogue
from vigil.controlled.ledger import services as ledger
from vigil.controlled.models import Account, Item, ItemClass, Store
from vigil.core.audit import SystemActor

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("durability test")


def test_a_use_case_refuses_to_run_inside_another_transaction() -> None:
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        catalogue.create_item(code="D-1", name="Durable", item_class=ItemClass.CORD, actor=SYSTEM)
    assert not Item.objects.filter(code="D-1").exists()


def test_its_helper_joins_the_callers_transaction() -> None:
    with transaction.atomic():
        item = catalogue.create_item_within(
            code="D-2", name="Nested", item_class=ItemClass.CORD, actor=SYSTEM
        )
    assert Item.objects.filter(pk=item.pk).exists()


def test_posting_one_movement_is_a_use_case_and_a_batch_nests() -> None:
    store = Store.objects.select_related("owning_agency", "account").first()
    assert store is not None
    organisation = store.owning_agency
    item = Item.objects.get(code="AN-NT13")
    supplier = ledger.external_account(organisation, Account.Kind.SUPPLIER)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        ledger.post_movement(
            organisation, item=item, quantity=1, unit="kg", from_account=supplier,
            to_account=store.account, idempotency_key="durable-1", actor=SYSTEM,
        )  # fmt: skip
    with transaction.atomic():
        move = ledger.Movement(
            item=item, quantity=1000, from_account=supplier, to_account=store.account,
            idempotency_key="durable-2",
        )  # fmt: skip
        (entry,) = ledger.post_movements(organisation, [move], actor=SYSTEM)
    assert entry.pk is not None
