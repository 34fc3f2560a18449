"""initData verification as Telegram specifies it: a table of genuine, forged, stale and broken data."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode

import pytest

from taskbot.webapp.initdata import InitDataError, WebAppUser, sign_init_data, verify_init_data

TOKEN = "123456:ABC-test-token"
NOW = 1_800_000_000
USER = json.dumps({"id": 42, "first_name": "张", "last_name": "三", "username": "zs", "language_code": "en"})


def by_hand(fields: dict[str, str], token: str = TOKEN) -> str:
    """initData signed step by step from Telegram's documentation (independent of the module)."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in {**fields, "hash": digest}.items())


def fields(age: int = 10, **extra: str) -> dict[str, str]:
    return {"query_id": "AAH", "user": USER, "auth_date": str(NOW - age), **extra}


def test_genuine_data_gives_the_user() -> None:
    user = verify_init_data(by_hand(fields()), TOKEN, now=NOW, max_age=3600)
    assert user == WebAppUser(42, "张", "三", "zs", "en")
    assert user.full_name == "张 三"


def test_the_module_signs_as_telegram_does() -> None:
    assert verify_init_data(sign_init_data(fields(), TOKEN), TOKEN, now=NOW, max_age=60).id == 42


def tampered_user() -> str:
    raw = by_hand(fields())
    return raw.replace(quote('"id": 42', safe=""), quote('"id": 43', safe=""))


@pytest.mark.parametrize(
    ("raw", "max_age", "reason"),
    [
        ("", 3600, "missing"),
        ("x" * 9000, 3600, "too_long"),
        ("a=1&&&", 3600, "malformed"),
        (urlencode(fields()), 3600, "no_hash"),
        (by_hand(fields(), token="999:other-bot"), 3600, "bad_hash"),
        (tampered_user(), 3600, "bad_hash"),
        (by_hand(fields()) + "&extra=1", 3600, "bad_hash"),
        (by_hand(fields()).replace("hash=", "hash=0"), 3600, "bad_hash"),
        (by_hand(fields(age=3601)), 3600, "expired"),
        (by_hand(fields(age=-61)), 3600, "from_the_future"),
        (by_hand({"user": USER, "auth_date": "yesterday"}), 3600, "no_auth_date"),
        (by_hand({"auth_date": str(NOW)}), 3600, "no_user"),
        (by_hand({"auth_date": str(NOW), "user": "[1]"}), 3600, "no_user"),
        (by_hand(fields()) + "&auth_date=" + str(NOW), 3600, "duplicate_field"),
    ],
)
def test_untrusted_data_is_refused(raw: str, max_age: int, reason: str) -> None:
    with pytest.raises(InitDataError) as caught:
        verify_init_data(raw, TOKEN, now=NOW, max_age=max_age)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("age", "ok"), [(0, True), (3600, True), (3601, False), (-60, True), (-61, False)])
def test_age_limit_is_inclusive(age: int, ok: bool) -> None:
    raw = by_hand(fields(age=age))
    if ok:
        assert verify_init_data(raw, TOKEN, now=NOW, max_age=3600).id == 42
    else:
        with pytest.raises(InitDataError):
            verify_init_data(raw, TOKEN, now=NOW, max_age=3600)


def test_signature_field_is_part_of_the_checked_data() -> None:
    # Newer clients add ``signature`` (for third parties); it is checked like any other field.
    raw = by_hand(fields(signature="abc"))
    assert verify_init_data(raw, TOKEN, now=NOW, max_age=3600).id == 42
    with pytest.raises(InitDataError):
        verify_init_data(raw.replace("signature=abc", "signature=abd"), TOKEN, now=NOW, max_age=3600)
