import pytest
from django.test import TransactionTestCase

from vigil.core.triggers import expected_triggers, installed_triggers


def test_the_conftest_flush_handling_is_loaded() -> None:
    name = getattr(TransactionTestCase, "_fixture_teardown").__name__  # noqa: B009
    assert name == "teardown_with_triggers_lifted"


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_flush_append_only_tables() -> None:
    # Seeded rows exist in the audit table; teardown must flush them despite the triggers.
    assert installed_triggers() >= expected_triggers()
