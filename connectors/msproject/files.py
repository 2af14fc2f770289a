"""The plan files of one configured plan source: listed from its paths (files, folders, https://
URLs of single files; http:// on loopback, for tests and the sandbox), each fetched as a local file
the reader can open.

What can go wrong is said, never guessed away: a configured folder that does not exist (an unmounted
share would otherwise look like every plan deleted), two plans with one file name (a portfolio
project names a plan by its file name), and an HTTPS answer that is not a whole plan file (a login
page, a cut body) all raise `PlanSourceError`. A configured single file that no longer exists is
listed as gone, so its plan's tasks are marked deleted with that reason.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from connectors.errors import SourceError
from connectors.http import HttpClient
from connectors.msproject.reader import file_sha256, read_plan
from connectors.msproject.records import PlanRead
from connectors.redact import redact_url
from connectors.stats import RequestStats

PLAN_SUFFIXES = frozenset({".mpp", ".xml", ".mpx", ".xer", ".pmxml"})
# What a web server sends instead of a plan when it wants a login, or lost the file.
_NOT_A_PLAN = ("text/html", "application/xhtml+xml")


class PlanSourceError(SourceError):
    """The plan source's paths cannot be listed or fetched as configured; one actionable line."""

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        super().__init__(f"{source}: {detail}")


@dataclass(frozen=True)
class PlanFile:
    """One plan file of a source. name: its file name, how a portfolio project names the plan;
    location: where it is read from (a local path, or the URL without credentials or query);
    present: False for a configured single file that no longer exists."""

    name: str
    location: str
    present: bool = True


class PlanFiles:
    """The plan files under `paths` of the source `source_id` (`msproject:<name>`)."""

    def __init__(self, source_id: str, paths: list[str], *, timeout: float = 120.0, max_attempts: int = 4) -> None:
        self.source_id = source_id
        self.paths = list(paths)
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.stats = RequestStats()
        self._downloads = tempfile.TemporaryDirectory(prefix="pmhub-plans-")

    def close(self) -> None:
        """Remove downloaded copies."""
        self._downloads.cleanup()

    def plans(self) -> list[PlanFile]:
        """Every plan file the paths name, by file name; PlanSourceError when a path cannot be listed
        or two plans share a file name."""
        found: list[PlanFile] = []
        for path in self.paths:
            found += self._list_path(path)
        by_name: dict[str, PlanFile] = {}
        for plan in found:
            other = by_name.setdefault(plan.name, plan)
            if other is not plan:
                raise PlanSourceError(
                    self.source_id,
                    f"two plan files are named {plan.name!r} ({other.location} and {plan.location}); "
                    "a portfolio project names a plan by its file name, so rename one or list them in two sources",
                )
        return sorted(by_name.values(), key=lambda p: p.name)

    def _list_path(self, path: str) -> list[PlanFile]:
        if path.startswith(("https://", "http://")):
            name = unquote(Path(urlsplit(path).path).name)
            if Path(name).suffix.lower() not in PLAN_SUFFIXES:
                raise PlanSourceError(self.source_id, f"URL {redact_url(path)} does not name a plan file")
            return [PlanFile(name, path)]
        local = Path(path).expanduser()
        if local.is_dir():
            return [
                PlanFile(f.name, str(f))
                for f in sorted(local.iterdir())
                if f.is_file() and f.suffix.lower() in PLAN_SUFFIXES and not f.name.startswith((".", "~$"))
            ]
        if local.suffix.lower() in PLAN_SUFFIXES and not local.exists() and local.parent.is_dir():
            return [PlanFile(local.name, str(local), present=False)]
        if local.is_file():
            if local.suffix.lower() not in PLAN_SUFFIXES:
                known = ", ".join(sorted(PLAN_SUFFIXES))
                raise PlanSourceError(self.source_id, f"{local} is not a plan file ({known})")
            return [PlanFile(local.name, str(local))]
        raise PlanSourceError(
            self.source_id, f"path {local} does not exist (a folder that is not mounted?); fix `paths` in the config"
        )

    def fetch(self, plan: PlanFile) -> Path:
        """A local file holding the plan's bytes: the file itself, or a verified download (ApiError
        when the server does not answer whole, PlanSourceError when it answers with no plan)."""
        if not plan.location.startswith(("https://", "http://")):
            return Path(plan.location)
        target = Path(self._downloads.name) / plan.name
        parts = urlsplit(plan.location)
        with HttpClient(
            self.source_id, f"{parts.scheme}://{parts.netloc}", timeout=self.timeout, max_attempts=self.max_attempts
        ) as http:
            http.stats = self.stats
            response = http.get(plan.location)  # an ApiError names the source and the URL already
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        declared = response.headers.get("Content-Length")
        shown = redact_url(plan.location)
        if kind in _NOT_A_PLAN:
            raise PlanSourceError(self.source_id, f"{shown} answered with a web page ({kind}), not a plan file")
        if not response.content:
            raise PlanSourceError(self.source_id, f"{shown} answered with an empty body")
        if declared is not None and declared.isdigit() and int(declared) != len(response.content):
            raise PlanSourceError(
                self.source_id, f"{shown} sent {len(response.content)} of the {declared} bytes it announced"
            )
        target.write_bytes(response.content)
        return target

    @staticmethod
    def sha256(local: Path) -> str:
        return file_sha256(local)

    @staticmethod
    def read(local: Path, sha256: str) -> PlanRead:
        return read_plan(local, sha256)
