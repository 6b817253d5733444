"""The token and other secrets never reach the log output, tracebacks included."""

import io
import logging
import subprocess
import sys
import textwrap

import pytest

from bot.logs import REDACTED, setup_logging

TOKEN = "MTIz.fake-token.abcDEF"


@pytest.fixture
def output():
    """What the bot's log handler prints, captured."""
    root = logging.getLogger()
    handlers, level, hook = root.handlers[:], root.level, sys.excepthook
    setup_logging("INFO", TOKEN, None, "pg-secret")
    printed = io.StringIO()
    root.handlers[0].setStream(printed)  # type: ignore[attr-defined]
    yield printed
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook = hook


def test_a_message_holding_the_token_is_scrubbed(output):
    logging.getLogger("t").warning("login with %s failed", TOKEN)
    err = output.getvalue()
    assert TOKEN not in err
    assert f"login with {REDACTED} failed" in err


def test_a_traceback_holding_the_token_is_scrubbed(output):
    try:
        raise RuntimeError(f"401 Unauthorized for Bot {TOKEN}")
    except RuntimeError:
        logging.getLogger("t").exception("request failed")
    err = output.getvalue()
    assert "Traceback" in err and "RuntimeError: 401 Unauthorized for Bot" in err
    assert TOKEN not in err


def test_a_database_password_is_scrubbed_too(output):
    logging.getLogger("t").error("cannot reach postgresql://bot:pg-secret@db/x", stack_info=True)
    err = output.getvalue()
    assert "pg-secret" not in err and "postgresql://bot:" in err


def test_an_uncaught_exception_is_printed_scrubbed():
    script = textwrap.dedent(f"""
        from bot.logs import setup_logging
        setup_logging("INFO", {TOKEN!r})
        raise SystemError("boom with {TOKEN}")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "SystemError: boom with" in done.stderr
    assert TOKEN not in done.stderr + done.stdout


def test_the_sandbox_prompt_shows_no_idle_lag_or_voice_warnings(output):
    from bot.sandbox.main import quiet_logging

    quiet_logging()
    printed = io.StringIO()
    logging.getLogger().handlers[0].setStream(printed)  # type: ignore[attr-defined]
    logging.getLogger("discord.gateway").warning("Can't keep up, shard ID None websocket is 41.3s behind.")
    logging.getLogger("discord.client").warning("PyNaCl is not installed, voice will NOT be supported")
    logging.getLogger("discord.gateway").warning("a real gateway problem")
    assert printed.getvalue().splitlines()[-1].endswith("a real gateway problem")
    assert "keep up" not in printed.getvalue() and "PyNaCl" not in printed.getvalue()


def test_a_secret_holding_another_is_scrubbed_whole():
    # The token holds the database password: scrubbing the password first would leave the
    # token's other parts in the output ("abc.[redacted].xyz").
    root = logging.getLogger()
    handlers, level, hook = root.handlers[:], root.level, sys.excepthook
    token = "abc123.pg-secret.xyz789"
    try:
        setup_logging("INFO", "pg-secret", token)
        printed = io.StringIO()
        root.handlers[0].setStream(printed)  # type: ignore[attr-defined]
        logging.getLogger("t").warning("login with %s failed; db pg-secret", token)
        assert printed.getvalue().endswith(f"t: login with {REDACTED} failed; db {REDACTED}\n")
        assert "abc123" not in printed.getvalue() and "xyz789" not in printed.getvalue()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        sys.excepthook = hook
