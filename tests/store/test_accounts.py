"""Users and API tokens on a real SQLite file: hashes only, revocation, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from tasks.store.accounts import AccountError, Accounts, ApiToken, parse_token
from tasks.store.records import make_engine, utcnow


@pytest.fixture()
def accounts(tmp_path):
    return Accounts(make_engine(f"sqlite:///{tmp_path / 'accounts.db'}"))


def test_make_engine_creates_the_account_tables(accounts):
    with accounts.engine.connect() as conn:
        names = {row[0] for row in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert {"users", "api_tokens", "jobs"} <= names


def test_password_is_stored_hashed_and_verified(accounts):
    accounts.create_user("Lan.Nguyen", "mật khẩu dài", "officer", "so-ldtbxh-hoa-binh")
    with accounts.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert "mật khẩu dài" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert accounts.verify_password("lan.nguyen", "mật khẩu dài").agency == "so-ldtbxh-hoa-binh"
    assert accounts.verify_password("lan.nguyen", "mật khẩu sai") is None
    assert accounts.verify_password("no-such-user", "mật khẩu dài") is None


@pytest.mark.parametrize("args, reason", [
    (("Bad Name!", "password1", "officer", "a"), "username"),
    (("x", "password1", "superuser", None), "role"),
    (("x", "password1", "officer", None), "agency"),
    (("x", "password1", "officer", "Sở LĐTBXH"), "agency"),
    (("x", "short", "admin", None), "password"),
])
def test_invalid_users_are_refused(accounts, args, reason):
    with pytest.raises(AccountError, match=reason):
        accounts.create_user(*args)
    assert accounts.list_users() == []


def test_a_username_is_taken_once(accounts):
    accounts.create_user("admin", "password1", "admin")
    with pytest.raises(AccountError, match="already exists"):
        accounts.create_user("ADMIN", "password2", "admin")


def test_the_database_holds_only_the_hash_of_a_token(accounts):
    accounts.create_user("lan", "password1", "officer", "so-a")
    token_id, token = accounts.create_token("lan", "script")
    secret = parse_token(token)[1]
    with accounts.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM api_tokens WHERE id = :id"),
                           {"id": token_id}).mappings().one()
    stored = " ".join(str(v) for v in row.values())
    assert secret not in stored and token not in stored
    assert len(row["secret_sha256"]) == 64
    assert accounts.find_token(token).username == "lan"


def test_wrong_malformed_revoked_and_expired_tokens_find_nobody(accounts):
    accounts.create_user("lan", "password1", "officer", "so-a")
    token_id, token = accounts.create_token("lan")
    other_id, other = accounts.create_token("lan", expires_days=1)
    wrong_secret = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert accounts.find_token(wrong_secret) is None
    assert accounts.find_token("rg_000000000000_" + token.split("_", 2)[2]) is None
    assert accounts.find_token("not a token") is None
    assert accounts.find_token("") is None

    assert accounts.revoke_token(token_id) is True
    assert accounts.find_token(token) is None
    assert accounts.revoke_token(token_id) is True  # again: harmless
    assert accounts.revoke_token("ffffffffffff") is False

    assert accounts.find_token(other).username == "lan"
    with accounts.session() as s, s.begin():
        s.execute(update(ApiToken).where(ApiToken.id == other_id)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert accounts.find_token(other) is None


def test_tokens_need_a_user_and_a_positive_lifetime(accounts):
    with pytest.raises(AccountError, match="no user"):
        accounts.create_token("ghost")
    accounts.create_user("lan", "password1", "officer", "so-a")
    with pytest.raises(AccountError, match="expires_days"):
        accounts.create_token("lan", expires_days=0)
    first, _ = accounts.create_token("lan", "a")
    second, _ = accounts.create_token("lan", "b")
    assert {t.id for t in accounts.list_tokens()} == {first, second}
