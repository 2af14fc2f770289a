"""The two ways reading a plan file fails, each a single actionable line.

`MsProjectUnavailable` means this machine cannot read plan files at all (the optional extra or a Java
runtime is missing): the operator installs something, every plan source is affected alike.
`PlanFileError` means one file could not be read (missing, unknown format, corrupt): it names the
file, and the other plans still read. Neither carries a Java stack trace in its message.
"""

from __future__ import annotations

from pathlib import Path

from connectors.errors import SourceError

INSTALL_EXTRA = (
    "reading Microsoft Project / Primavera plans needs MPXJ and JPype: "
    "install the optional extra: pip install 'pmhub[msproject]'"
)
INSTALL_JAVA = (
    "reading Microsoft Project / Primavera plans needs Java: "
    "install a Java runtime 11 or later, e.g. `apt-get install default-jre-headless`, or set JAVA_HOME"
)


class MsProjectUnavailable(SourceError):
    """The msproject extra (MPXJ + JPype) or a usable Java runtime 11+ is missing on this machine."""


class PlanFileError(SourceError):
    """One plan file could not be read: it does not exist, MPXJ does not recognise it, or it is corrupt.

    Attributes:
        path: the file.
        detail: what went wrong, one line (MPXJ's own message where it gave one).
    """

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = " ".join(detail.split())
        super().__init__(f"plan file {path}: {self.detail}")
