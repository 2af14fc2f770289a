"""CI guard: with CI=true in the environment, a skipped test fails the run, naming why it skipped.

In CI a skip means a check silently did not run (a missing folder, fixture or tool), so the run
fails and lists each skip with its reason. Outside CI skips stay skips: a test that needs an optional
system tool may skip there, with a reason naming what to install. Expected failures (xfail) and
deselected tests (-m) are not skips.

tests/conftest.py registers it for the suite; any pytest run can load it with `-p tests.skip_guard`.
"""

from __future__ import annotations

import os

import pytest

PLUGIN_NAME = "ci-skip-guard"


def in_ci() -> bool:
    """CI=true (or 1), as CI services and this project's .ci/run set it."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def _reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


class CiSkipGuard:
    """Records every skip of the run and turns the run's exit status into a failure if there was one."""

    def __init__(self) -> None:
        self.skips: list[tuple[str, str]] = []  # (node id, reason)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skips.append((report.nodeid, _reason(report)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:  # a module skipped whole (pytest.skip(..., allow_module_level=True))
            self.skips.append((report.nodeid, _reason(report)))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.skips and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.skips:
            terminalreporter.section("CI=true: a skipped test fails the run", sep="=", red=True, bold=True)
            for nodeid, reason in self.skips:
                terminalreporter.line(f"SKIPPED IN CI {nodeid}: {reason}", red=True)


def register(config: pytest.Config) -> None:
    """Install the guard when the run is in CI (once, however many times this is called)."""
    if in_ci() and not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(CiSkipGuard(), PLUGIN_NAME)


def pytest_configure(config: pytest.Config) -> None:
    register(config)
