"""The sandbox serves the demo TVmaze: `/shows import query:sweet home` works offline."""

import pytest

from bot.sandbox.lines import Line, LineError, parse_line
from tests.support.sandbox import run_sandbox


def test_the_sandbox_imports_sweet_home_from_its_demo_tvmaze(tmp_path):
    script = tmp_path / "import.txt"
    script.write_text("as owner\n/shows import query:sweet home\nclick 1. Sweet Home (2020)\n"
                      "choose 1 2 3 4 5 6\nclick Import\n/status show:sweet-home\n/cast show:sweet-home\n",
                      "utf-8")
    result = run_sandbox("--script", str(script), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    out = result.stdout
    assert "Sweet Home Oklahoma" in out and "스위트홈" in out
    assert "7. ✓Cast: Lee Si-young" in out and "7. Cast: Lee Si-young" in out  # chosen, then not
    assert "Imported Sweet Home season 3 as `sweet-home`: 6 facts" in out
    assert "Lee Si-young" not in out[out.index("owner> /cast"):]
    assert "TVmaze" in out[out.index("owner> /status"):]
    assert "Discord would refuse" not in out and "Traceback" not in result.stderr


def test_choose_takes_option_numbers_or_none():
    assert parse_line("choose 1 2,5") == Line("choose", "1 2,5")
    assert parse_line("choose none") == Line("choose", "none")
    with pytest.raises(LineError, match="numbers of a menu's options"):
        parse_line("choose Cast: Song Kang")
