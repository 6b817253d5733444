"""The README's two commands are what CI runs, and they work in a fresh shell."""

import re

from tests.support.paths import REPO


def code_block_after(heading: str) -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"no sh block under {heading}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_verbatim():
    [command] = code_block_after("Run the tests")
    ci = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    assert ci[-1] == command


def test_ci_installs_and_starts_as_the_readme_says():
    [install] = code_block_after("Install and run")
    ci = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    assert f"{install} < /dev/null" in ci  # no token in CI: the sandbox starts and ends with stdin


def test_every_readme_command_runs_without_an_activated_venv():
    text = (REPO / "README.md").read_text("utf-8")
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for command in re.split(r"&&|\||\n", block):
            if command.strip():
                program = command.split()[0]
                assert program == "python3" or program.startswith(".venv/bin/"), command
