"""EMAIL_URL configures Django's e-mail settings."""

from __future__ import annotations

import pytest

from vigil.core.emailurl import SMTP, parse_email_url


def test_smtp_with_starttls_and_an_encoded_password() -> None:
    s = parse_email_url("smtp://vigil%40tinh.gov.vn:p%3Ass@mail.tinh.gov.vn?from=vigil@tinh.gov.vn")
    assert s["EMAIL_BACKEND"] == SMTP
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"]) == ("mail.tinh.gov.vn", 587)
    assert (s["EMAIL_HOST_USER"], s["EMAIL_HOST_PASSWORD"]) == ("vigil@tinh.gov.vn", "p:ss")
    assert (s["EMAIL_USE_TLS"], s["EMAIL_USE_SSL"]) == (True, False)
    assert s["DEFAULT_FROM_EMAIL"] == "vigil@tinh.gov.vn"


def test_smtps_plain_and_console() -> None:
    assert parse_email_url("smtps://relay:2465")["EMAIL_USE_SSL"] is True
    assert parse_email_url("smtps://relay:2465")["EMAIL_PORT"] == 2465
    plain = parse_email_url("smtp+plain://relay")
    assert (plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"]) == (25, False)
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("bad", ["http://mail", "smtp://", "mail.example"])
def test_a_wrong_url_says_what_to_write(bad: str) -> None:
    with pytest.raises(ValueError, match="EMAIL_URL"):
        parse_email_url(bad)
