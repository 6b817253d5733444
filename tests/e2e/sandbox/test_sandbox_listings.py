"""`seasonwatch sandbox`: after an import, the demo listing changes and `wait` shows the watch's
proposal arriving in #review and /queue, accepted and published from there."""

import os
import subprocess
import sys

from tests.support.paths import REPO

SCRIPT = """as owner
/shows import query:sweet home
click 1. Sweet Home (2020)
click Import
wait 12
as editor
/queue show:sweet-home
click Accept
click reported
click Publish
/status show:sweet-home
"""


def test_an_imported_show_s_listing_changes_and_the_proposal_arrives(tmp_path):
    script = tmp_path / "watch.txt"
    script.write_text(SCRIPT, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
                            capture_output=True, text=True, encoding="utf-8", timeout=90, env=env,
                            cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-2000:]
    waited = out.index("owner> wait 12")
    posted = out.index("Listing proposal · Sweet Home season 3", waited)  # in #review, during the wait
    assert posted < out.index("editor> /queue")
    assert "TVmaze now lists: Release: " in out[posted:]
    assert "Published as change #" in out[out.index("editor> click Publish"):]
    assert "✅ Accepted by editor" in out[out.index("editor> click Publish"):]
    assert "Discord would refuse" not in out and "Traceback" not in result.stderr
