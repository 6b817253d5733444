"""The `seasonwatch` command line, run as a user would run it."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest


def seasonwatch(*args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN",)}
    environment.update({"DATABASE_PATH": str(tmp_path / "cli.db"), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60,
        env=environment, cwd=tmp_path,
    )


def test_run_without_a_token_exits_2_naming_the_variable(tmp_path):
    result = seasonwatch("run", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and ".env.example" in result.stderr


def test_a_bad_setting_exits_2_naming_the_variable(tmp_path):
    result = seasonwatch("export", tmp_path=tmp_path, ANNOUNCE_RATE="0")
    assert result.returncode == 2
    assert "ANNOUNCE_RATE" in result.stderr


def test_export_prints_the_default_dataset(tmp_path):
    result = seasonwatch("export", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["shows"][0]["slug"] == "all-of-us-are-dead"
    assert len(data["shows"][0]["entries"]) > 10


def test_import_of_an_exported_file_changes_nothing(tmp_path):
    exported = tmp_path / "export.json"
    assert seasonwatch("export", str(exported), tmp_path=tmp_path).returncode == 0
    result = seasonwatch("import", str(exported), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 entries changed" in result.stdout


def test_a_bad_import_file_is_rejected_with_the_entry_at_fault(tmp_path):
    exported = tmp_path / "export.json"
    seasonwatch("export", str(exported), tmp_path=tmp_path)
    data = json.loads(exported.read_text())
    data["shows"][0]["entries"][0]["as_of"] = "2024-02-30"
    exported.write_text(json.dumps(data))
    result = seasonwatch("import", str(exported), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "entries[0]" in result.stderr and "as_of" in result.stderr


def test_backup_writes_a_database_that_opens(tmp_path):
    result = seasonwatch("backup", str(tmp_path / "copy.db"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "copy.db") as db:
        assert db.execute("SELECT COUNT(*) FROM show").fetchone()[0] == 1


def test_db_upgrade_reports_the_versions(tmp_path):
    result = seasonwatch("db", "upgrade", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "schema version 0 ->" in result.stdout


def test_a_database_from_a_newer_seasonwatch_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("PRAGMA user_version = 999")
    result = seasonwatch("export", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "newer than this seasonwatch" in result.stderr


@pytest.mark.parametrize("command", ["run", "start", "sync", "export", "import", "backup", "db", "sandbox"])
def test_every_command_has_help(command, tmp_path):
    assert seasonwatch(command, "--help", tmp_path=tmp_path).returncode == 0


def test_help_lists_every_command_each_with_a_description(tmp_path):
    result = seasonwatch("--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("run", "start", "sync", "sandbox", "import", "export", "backup"):
        assert f"\n    {command} " in result.stdout, command
    assert "`db upgrade`" in result.stdout and "`db copy URL`" in result.stdout
    for command in ("run", "start", "sync"):
        own = seasonwatch(command, "--help", tmp_path=tmp_path).stdout
        assert own.split("\n\n")[1].strip(), f"`seasonwatch {command} --help` has no description"


def test_version_prints_the_package_version(tmp_path):
    from bot import __version__

    result = seasonwatch("--version", tmp_path=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"seasonwatch {__version__}\n")
