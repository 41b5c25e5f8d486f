"""Print the PostgreSQL grants of the application's database role.

The owner role runs `vigil migrate`; the application connects as another role
that does not own the tables, so it can neither drop the append-only triggers
nor update or delete what they protect.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from vigil.core.triggers import append_only_tables

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grants_sql(role: str, schema: str = "public") -> list[str]:
    """The statements, for the tables of every installed model."""
    if not ROLE_NAME.match(role) or not ROLE_NAME.match(schema):
        raise ValueError("role and schema names are lower-case letters, digits and _")
    append_only = set(append_only_tables())
    never_deleted = {
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model, "never_deleted", False)
    }
    tables = sorted(connection.introspection.django_table_names(include_views=False))
    sql = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role};",
        f"GRANT USAGE ON SCHEMA {schema} TO {role};",
    ]
    for table in tables:
        if table in append_only:
            rights = "SELECT, INSERT"
        elif table in never_deleted:
            rights = "SELECT, INSERT, UPDATE"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        sql.append(f'GRANT {rights} ON TABLE {schema}."{table}" TO {role};')
    sql += [
        f'GRANT SELECT ON TABLE {schema}."django_migrations" TO {role};',
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};",
    ]
    return sql


class Command(BaseCommand):
    help = (
        "Print the SQL that grants the application's PostgreSQL role what it needs and no more: "
        "read and append on append-only tables. Run it as the tables' owner after every migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, metavar="APPROLE")
        parser.add_argument("--schema", default="public", metavar="SCHEMA")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            statements = grants_sql(options["role"], options["schema"])
        except ValueError as error:
            raise CommandError(f"{error}: e.g. vigil grants --role vigil_app") from error
        self.stdout.write("-- As the owner of Vigil's tables, after every `vigil migrate`:")
        self.stdout.write("\n".join(statements))
