"""The CI guard (tests/skip_guard.py): with CI=true a skipped test fails the run and says why; outside
CI a skip stays a skip. Each case runs pytest in a subprocess on a tiny suite in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUITE = {
    "test_sample.py": """
        import pytest

        def test_runs():
            pass

        @pytest.mark.skip(reason="needs frobnicate (apt-get install frobnicate)")
        def test_needs_a_tool():
            pass

        @pytest.mark.xfail(strict=True, reason="a known bug")
        def test_known_bug():
            assert False
    """,
    "test_whole_module.py": """
        import pytest

        pytest.skip("the data folder is missing", allow_module_level=True)
    """,
}


def _pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    for name, text in SUITE.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the repo's settings
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the guard: fast, and no installed plugin interferes
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.skip_guard", str(folder)]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_in_ci_a_skip_fails_the_run_with_its_reason(tmp_path):
    run = _pytest(tmp_path, ci="true")
    assert run.returncode == 1, run.stdout + run.stderr
    guard = run.stdout.split("CI=true: a skipped test fails the run", 1)[1]
    assert "test_sample.py::test_needs_a_tool: needs frobnicate (apt-get install frobnicate)" in guard
    assert "test_whole_module.py: the data folder is missing" in guard
    assert "test_known_bug" not in guard  # an expected failure is not a skip
    assert guard.count("SKIPPED IN CI") == 2


def test_outside_ci_a_skip_stays_a_skip(tmp_path):
    run = _pytest(tmp_path, ci=None)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 2 skipped, 1 xfailed" in run.stdout
    assert "CI=true" not in run.stdout
