"""Configuration: defaults, parsing, and errors that name the variable."""

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, settings_from


def test_defaults_match_the_design():
    settings = settings_from({})
    assert settings.token is None
    assert settings.database_path == Path("seasonwatch.db")
    assert settings.api_base == "https://discord.com/api/v10"
    assert settings.gateway_url == "wss://gateway.discord.gg"
    assert settings.announce_rate == 25
    assert settings.log_level == "INFO"
    assert settings.owner_ids == frozenset()
    assert settings.review_channel_id is None and settings.feed_poll_minutes == 15
    assert settings.feeds_allow_private is False
    assert settings.tvmaze_api_base == "https://api.tvmaze.com" and settings.listings_poll_hours == 6


def test_listings_settings_are_read():
    settings = settings_from({"TVMAZE_API_BASE": "http://127.0.0.1:9/", "LISTINGS_POLL_HOURS": "0.25"})
    assert settings.tvmaze_api_base == "http://127.0.0.1:9" and settings.listings_poll_hours == 0.25


def test_news_intake_settings_are_read():
    settings = settings_from({"REVIEW_CHANNEL_ID": "42", "FEED_POLL_MINUTES": "0.5",
                              "FEEDS_ALLOW_PRIVATE": "1"})
    assert settings.review_channel_id == 42 and settings.feed_poll_minutes == 0.5
    assert settings.feeds_allow_private is True


def test_id_lists_are_parsed():
    settings = settings_from({"OWNER_IDS": "1, 22 ,333", "EDITOR_ROLE_IDS": "9", "HOME_GUILD_ID": "7"})
    assert settings.owner_ids == {1, 22, 333}
    assert settings.editor_role_ids == {9}
    assert settings.home_guild_id == 7


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OWNER_IDS", "12,abc"),
        ("HOME_GUILD_ID", "-5"),
        ("EDITOR_ROLE_IDS", "1.5"),
        ("DEV_GUILD_ID", "x"),
        ("ANNOUNCE_RATE", "0"),
        ("ANNOUNCE_RATE", "fast"),
        ("ANNOUNCE_RATE", "51"),
        ("DISCORD_API_BASE", "ftp://example.com"),
        ("DISCORD_GATEWAY_URL", "http://example.com"),
        ("LOG_LEVEL", "LOUD"),
        ("REVIEW_CHANNEL_ID", "#review"),
        ("FEED_POLL_MINUTES", "0.05"),
        ("FEED_POLL_MINUTES", "1441"),
        ("FEED_POLL_MINUTES", "often"),
        ("FEEDS_ALLOW_PRIVATE", "maybe"),
        ("RELEASE_HOUR_UTC", "24"),
        ("RELEASE_HOUR_UTC", "8.5"),
        ("DELIVERY_LEASE", "0.5"),
        ("DELIVERY_LEASE", "soon"),
        ("TVMAZE_API_BASE", "api.tvmaze.com"),
        ("LISTINGS_POLL_HOURS", "0"),
        ("LISTINGS_POLL_HOURS", "-1"),
        ("LISTINGS_POLL_HOURS", "daily"),
    ],
)
def test_a_bad_value_names_its_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        settings_from({variable: value})


def test_release_hour_defaults_to_8_and_takes_any_hour():
    assert settings_from({}).release_hour_utc == 8
    assert settings_from({"RELEASE_HOUR_UTC": "0"}).release_hour_utc == 0


def test_the_token_never_appears_in_repr_or_str():
    settings = settings_from({"DISCORD_TOKEN": "secret-token-value"})
    assert "secret-token-value" not in repr(settings)
    assert "secret-token-value" not in str(settings)
    assert settings.token == "secret-token-value"


def test_database_url_is_checked_and_its_password_never_shown():
    url = "postgresql://sw:hunter2-secret@127.0.0.1:5432/seasonwatch"
    settings = settings_from({"DATABASE_URL": url, "DISCORD_TOKEN": "tok"})
    assert settings.database == url and settings.secrets == ("tok", "hunter2-secret")
    assert "hunter2-secret" not in repr(settings) and "hunter2-secret" not in str(settings)
    assert settings_from({}).database == settings_from({}).database_path  # SQLite without it
    for bad in ("mysql://sw:hunter2-secret@h/db", "postgresql://sw:hunter2-secret@h:port/db",
                "postgresql://sw:hunter2-secret@h:5432/"):
        with pytest.raises(ConfigError, match="DATABASE_URL") as caught:
            settings_from({"DATABASE_URL": bad})
        assert "hunter2-secret" not in str(caught.value)


def test_environment_wins_over_dotenv(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("ANNOUNCE_RATE=10\nLOG_LEVEL=DEBUG\n")
    monkeypatch.setenv("ANNOUNCE_RATE", "5")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    settings = load_settings(dotenv)
    assert settings.announce_rate == 5
    assert settings.log_level == "DEBUG"


def test_shards_are_both_or_neither_and_give_this_process_its_share():
    settings = settings_from({"SHARD_COUNT": "4", "SHARD_IDS": "3, 1"})
    assert settings.shards is not None and settings.shards.ids == (1, 3)
    assert settings.announce_share == 12.5  # half the shards: half of ANNOUNCE_RATE's 25
    assert settings.shards.holds(None) is False  # direct messages go to shard 0
    assert settings_from({}).shards is None and settings_from({}).announce_share == 25
    assert settings_from({}).delivery_lease == 90


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SHARD_COUNT": "2"}, "SHARD_IDS"),
        ({"SHARD_IDS": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "0", "SHARD_IDS": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "two", "SHARD_IDS": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,0"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0;1"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "-1"}, "SHARD_IDS"),
    ],
)
def test_bad_shards_are_one_line_naming_the_variable(env, named):
    with pytest.raises(ConfigError, match=f"^{named} ") as caught:
        settings_from(env)
    assert "\n" not in str(caught.value)


def test_the_web_server_is_off_without_a_port_and_listens_on_loopback_by_default():
    off = settings_from({})
    assert off.web_port is None and off.web_address is None and off.public_url is None
    on = settings_from({"WEB_PORT": "8080"})
    assert (on.web_port, on.web_host, on.public_url) == (8080, "127.0.0.1", None)
    assert on.web_address == "http://127.0.0.1:8080"  # where `seasonwatch start` says it is
    proxied = settings_from({"WEB_PORT": "8080", "WEB_HOST": "::1", "PUBLIC_URL": "https://seasons.example.org/"})
    assert proxied.public_url == proxied.web_address == "https://seasons.example.org"
    assert settings_from({"WEB_PORT": "80", "WEB_HOST": "::1"}).web_address == "http://[::1]:80"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"WEB_PORT": "0"}, "WEB_PORT"),
        ({"WEB_PORT": "65536"}, "WEB_PORT"),
        ({"WEB_PORT": "http"}, "WEB_PORT"),
        ({"WEB_PORT": "80", "WEB_HOST": "a host"}, "WEB_HOST"),
        ({"PUBLIC_URL": "https://seasons.example.org"}, "PUBLIC_URL needs WEB_PORT"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "javascript:alert(1)"}, "PUBLIC_URL"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://seasons.example.org/?a=1"}, "PUBLIC_URL"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://user:pw@seasons.example.org"}, "PUBLIC_URL"),
        # Discord refuses an embed URL with these, and a link with them leads nowhere.
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://seasons.example.org/a b"}, "PUBLIC_URL"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://seasons.example.org/\x01"}, "PUBLIC_URL"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://seasons.example.org/\tx"}, "PUBLIC_URL"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://시즌.example.org"}, "PUBLIC_URL"),
        ({"WEB_PORT": "80", "PUBLIC_URL": "https://seasons.example.org/é"}, "PUBLIC_URL"),
        # Brackets are the address's, not the host's: [::1] would become http://[[::1]]:80.
        ({"WEB_PORT": "80", "WEB_HOST": "[::1]"}, "WEB_HOST"),
        ({"WEB_PORT": "80", "WEB_HOST": "::1]"}, "WEB_HOST"),
    ],
)
def test_a_bad_web_setting_names_its_variable(env, variable):
    with pytest.raises(ConfigError, match=variable):
        settings_from(env)
