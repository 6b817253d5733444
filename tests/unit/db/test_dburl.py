"""A database URL's secrets (its password, however written, and `?password=`-style query
values) never in what the bot prints: `shown`, `explain`, and what the log redactor is given."""

import pytest

from bot.config import ConfigError, settings_from
from bot.db import url as dburl
from bot.db.postgres import explain, shown


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://sw:s3cr3tPW#frag@h:1/db", "postgresql://sw:***@h:1/db"),
    ("postgresql://sw:s3/cr3t?PW@h:1/db", "postgresql://sw:***@h:1/db"),
    ("postgresql://sw:s3@cr3t@h:1/db", "postgresql://sw:***@h:1/db"),
    ("postgresql://sw:a:b@h/db", "postgresql://sw:***@h/db"),
    ("postgresql://sw@h/db?password=hunter2", "postgresql://sw@h/db?password=***"),
    ("postgresql://sw@h/db?sslmode=require&sslpassword=k3y&password=pw%26x&port=5",
     "postgresql://sw@h/db?sslmode=require&sslpassword=***&password=***&port=5"),
    ("postgresql://sw@h/db?PassWord=a&b", "postgresql://sw@h/db?PassWord=***"),  # to the next name=
    ("postgresql://sw@h/db?pass%77ord=x", "postgresql://sw@h/db?pass%77ord=***"),  # read as password
    ("postgresql://sw@h/db?password=p@ss#x", "postgresql://sw@h/db?password=***"),
    ("postgresql://postgres:@/db?host=/tmp/s", "postgresql://postgres:@/db?host=/tmp/s"),
])
def test_a_shown_url_masks_every_password_whatever_it_holds(url, expected):
    assert shown(url) == expected


def test_a_password_repeated_elsewhere_in_the_url_is_masked_there_too():
    assert shown("postgresql://sw:hunter2@h/db?application_name=hunter2") == (
        "postgresql://sw:***@h/db?application_name=***")
    assert shown("postgresql://sw@h/db?password=p%2Fw&options=p/w") == (
        "postgresql://sw@h/db?password=***&options=***")  # decoded, too


def test_the_secrets_are_each_password_as_written_and_as_decoded():
    assert dburl.secrets("postgresql://sw:p%40ss@h/db?password=a+b%21&sslpassword=k") == (
        "p%40ss", "p@ss", "a+b%21", "a+b!", "a b!", "k")
    assert dburl.secrets("postgresql://sw@h/db?sslmode=require") == ()
    assert dburl.secrets(None) == ()


def test_explain_masks_each_password_in_the_error_text(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "env-secret")
    url = "postgresql://sw:p%40ss@h:1/db?sslpassword=k3y-secret"
    error = OSError("auth failed for sw with p@ss, p%40ss, k3y-secret and env-secret")
    text = explain(url, error)
    assert text == ("DATABASE_URL=postgresql://sw:***@h:1/db?sslpassword=***: cannot use it "
                    "(auth failed for sw with ***, ***, *** and ***); check the host, port, "
                    "database name, user and password, and that PostgreSQL is running")


def test_explain_never_quotes_the_parser_about_a_url_it_cannot_read():
    url = "postgresql://sw:s3cr3tPW#frag@h:1/db"
    text = explain(url, ValueError("Port could not be cast to integer value as 's3cr3tPW'"))
    assert "s3cr3tPW" not in text and "Port could not" not in text
    assert text.startswith("DATABASE_URL=postgresql://sw:***@h:1/db: a user name or password holding")


@pytest.mark.parametrize("url", [
    "postgresql://sw:s3cr3t#x@h/db", "postgresql://sw:s3/cr3t@h/db", "postgresql://sw:s3?x@h/db",
    "postgresql://sw:s@3@h/db", "postgresql://sw@h/db?password=p@ss",
])
def test_a_url_no_two_parsers_read_alike_is_refused_before_connecting(url):
    assert dburl.unreadable(url) == dburl.ENCODE
    assert dburl.unreadable("postgresql://sw:s3%2Fcr3t%23@h:5432/db?password=a%40b") is None


def test_a_bad_database_url_is_a_configuration_error_without_its_secrets():
    for url, secret in [("postgresql://sw:s3cr3tPW#frag@h:1/db", "s3cr3tPW"),
                        ("postgresql://sw:pw@h:port/db?password=q-secret", "q-secret"),
                        ("sw:s3cr3tPW@h/db", "s3cr3tPW")]:
        with pytest.raises(ConfigError, match="DATABASE_URL") as caught:
            settings_from({"DATABASE_URL": url})
        assert secret not in str(caught.value)


def test_the_settings_hand_every_database_secret_to_the_log_redactor():
    settings = settings_from({"DISCORD_TOKEN": "tok", "PGPASSWORD": "env-secret", "DATABASE_URL":
                              "postgresql://sw@h/db?password=q-secret&sslpassword=k-secret"})
    assert settings.secrets == ("tok", "q-secret", "k-secret", "env-secret")
    assert "env-secret" not in repr(settings)


def test_redaction_replaces_a_secret_holding_another_whole():
    assert dburl.redact("token abc.pw.def and pw", ["pw", "abc.pw.def"]) == "token *** and ***"
