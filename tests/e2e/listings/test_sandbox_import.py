"""The sandbox serves the demo TVmaze: `/shows import query:sweet home` works offline."""

from tests.support.sandbox import run_sandbox


def test_the_sandbox_imports_sweet_home_from_its_demo_tvmaze(tmp_path):
    script = tmp_path / "import.txt"
    script.write_text("as owner\n/shows import query:sweet home\nclick 1. Sweet Home (2020)\nclick Import\n"
                      "/status show:sweet-home\n", "utf-8")
    result = run_sandbox("--script", str(script), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    out = result.stdout
    assert "Sweet Home Oklahoma" in out and "스위트홈" in out
    assert "Imported **Sweet Home** season 3 as `sweet-home`" in out or "Imported Sweet Home season 3" in out
    assert "TVmaze" in out[out.index("owner> /status"):]
    assert "Discord would refuse" not in out and "Traceback" not in result.stderr
