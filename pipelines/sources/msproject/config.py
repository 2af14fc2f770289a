"""How plan files appear in `pmhub.yaml`: `sources.msproject` (where the plans are) and a project's
`msproject:` links (which plan, by file name)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from models.config import ContainerLink, Name, SourceConfig, TimeZoneName, ToolConfig, matching

# A plan is named by its file name alone: no folder, no separator, a known plan extension.
PLAN_EXTENSIONS = (".mpp", ".xml", ".mpx", ".xer", ".pmxml")
PlanFileName = Annotated[
    str,
    matching(re.compile(r"^[^/\\\x00-\x1f]{1,200}\.(?:mpp|xml|mpx|xer|pmxml)$", re.IGNORECASE), "plan file name"),
]


def _plan_path(value: str) -> str:
    if value.startswith("http://") and not re.match(r"^http://(127\.0\.0\.1|localhost)[:/]", value):
        raise ValueError(f"plan URL {value!r} must use https:// (plans are project data; http:// only on loopback)")
    if "\x00" in value or not value.strip():
        raise ValueError(f"plan path {value!r} is empty or holds a NUL character")
    return value


class MsProjectSource(SourceConfig):
    """Plan files (`.mpp` from Project 2000 on, MSPDI `.xml`, `.mpx`, Primavera `.xer` / PMXML): each
    path is a file, a folder (its plan files, not its subfolders) or an https:// URL of one file.

    Plan files hold wall-clock times without a zone; `timezone` says where the plans were made, so
    their dates land on the UTC timeline of the other tools.
    """

    paths: list[Annotated[str, AfterValidator(_plan_path)]] = Field(min_length=1)
    timezone: TimeZoneName = "UTC"


class MsProjectRef(ContainerLink):
    """A plan of a configured plan source, by its file name (`apollo.mpp`)."""

    container_key = "plan"
    source: Name
    plan: PlanFileName


CONFIG = ToolConfig(name="msproject", label="Microsoft Project", source=MsProjectSource, link=MsProjectRef)
