"""`vigil serve` refuses what the demo must not do; production refuses to start unconfigured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from vigil.core.management.commands.serve import is_loopback, parse_addr


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("[::1]:9000", ("::1", 9000)),
        ("localhost:80", ("localhost", 80)),
    ],
)
def test_addresses_parse(addr: str, expected: tuple[str, int]) -> None:
    assert parse_addr(addr) == expected


def test_a_malformed_address_is_explained() -> None:
    with pytest.raises(CommandError, match="HOST:PORT"):
        parse_addr("8000")


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True), ("0.0.0.0", False), ("10.0.0.5", False), ("example.org", False)])  # fmt: skip
def test_loopback_is_recognised(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@override_settings(DEMO=True)
def test_the_demo_refuses_to_listen_beyond_loopback() -> None:
    with pytest.raises(CommandError, match="loopback"):
        call_command("serve", "--addr", "0.0.0.0:8000")


def _settings_in_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIGIL_", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "vigil.settings", "VIGIL_ENV": "production", **env},
        capture_output=True, text=True, check=False, cwd=Path(__file__).parent,
    )  # fmt: skip


@pytest.mark.parametrize("missing", ["SECRET_KEY", "VIGIL_AUDIT_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing: str) -> None:
    env = {"SECRET_KEY": "x" * 50, "VIGIL_AUDIT_KEY": "k" * 40, "ALLOWED_HOSTS": "vigil.example"}
    del env[missing]
    result = _settings_in_production(**env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_starts_with_its_secrets(tmp_path: Path) -> None:
    result = _settings_in_production(
        SECRET_KEY="x" * 50, VIGIL_AUDIT_KEY="k" * 40, ALLOWED_HOSTS="vigil.example",
        VIGIL_DATA_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "audit.key").exists()  # production never generates its key
