"""Generic code reads the common stage contract, never a tool's own tables (issue 13).

Core and mart SQL must not branch per tool: a tool's raw and parsed tables are read only by its own
stage SQL (`pipelines/sources/<tool>/sql/stage/`), which fills `models.stage_contract`; generic Python
reaches a tool through the registry only.
"""

from __future__ import annotations

import re
from pathlib import Path

from models.stage_contract import STAGE_CONTRACT
from pipelines.sources import TOOLS
from pipelines.transform import sql_files

GENERIC_SQL = Path(__file__).parents[1] / "pipelines" / "sql"
GENERIC_PYTHON = [
    *(Path(__file__).parents[1] / "pipelines").glob("*.py"),
    *(Path(__file__).parents[1] / "pipelines").glob(f"{'[!s]'}*/*.py"),  # every subpackage but sources/
]


def _code(sql: str) -> str:
    """The SQL without its comments (prose may name a tool)."""
    return re.sub(r"--[^\n]*", "", sql)


def test_generic_sql_names_no_tool():
    tool_names = re.compile(r"\b(" + "|".join(TOOLS) + r")", re.IGNORECASE)
    naming = {
        str(f.relative_to(GENERIC_SQL))
        for f in GENERIC_SQL.rglob("*.sql")
        if tool_names.search(f.name) or tool_names.search(_code(f.read_text()))
    }
    assert naming == set()


def test_generic_python_reads_no_tool_table_and_names_no_tool_in_code():
    """No `raw.<tool>_…`, `stage.<tool>_…` or `meta.<tool>_…` table and no quoted tool name outside
    the tools' packages (comments and docstrings may name one)."""
    names = "|".join(TOOLS)
    tool_code = re.compile(rf"\b(?:raw|stage|meta)\.(?:{names})_|[\"'](?:{names})[\"':]")
    naming = {}
    for path in GENERIC_PYTHON:
        code = re.sub(r'(?s)"""[^"]*?"""|#[^\n]*', "", path.read_text(encoding="utf-8"))
        found = tool_code.findall(code)
        if found:
            naming[str(path.relative_to(path.parents[1]))] = found
    assert naming == {}


def test_every_tool_stage_file_fills_only_the_contract_or_its_own_tables():
    """A tool's stage SQL writes the contract tables, or tables named after the tool."""
    for tool in TOOLS.values():
        for name, sql_file in tool.stage_sql():
            written = set(re.findall(r"(?:CREATE OR REPLACE TABLE|INSERT INTO) stage\.(\w+)", sql_file.read_text()))
            foreign = {t for t in written if t not in STAGE_CONTRACT and not t.startswith(f"{tool.name}_")}
            assert foreign == set(), (tool.name, name, foreign)
            assert name.split("_", 1)[1].startswith(f"{tool.name}_"), f"{name}: a tool's file names start with it"


def test_stage_files_run_in_one_order_whatever_tool_they_come_from():
    names = [name for name, _where, _sql in sql_files("stage")]
    assert names == sorted(names) and len(names) == len(set(names))
    assert names.index("05_jira_work_items.sql") < names.index("07_status_history.sql")
    assert names.index("05_trello_work_items.sql") < names.index("07_status_history.sql")


def test_generic_python_imports_no_tool_package_or_connector():
    """Generic modules reach a tool only through the registry (`pipelines.sources.TOOLS`)."""
    root = Path(__file__).parents[1] / "pipelines"
    generic = [*root.glob("*.py"), *(root / "defs").glob("*.py"), *(root / "extract").glob("*.py")]
    tool_import = re.compile(
        r"^(?:from|import) (?:pipelines\.sources|connectors)\.(" + "|".join([*TOOLS, "msproject"]) + r")\b", re.M
    )
    importing = sorted(str(f.relative_to(root)) for f in generic if tool_import.search(f.read_text()))
    assert importing == []


def test_a_stage_file_reads_a_stage_table_only_after_every_file_that_fills_it():
    """Contract tables are created empty before the stage files run: a file reading one before all
    its writers ran would see it empty, silently (a cost file sorted before the work items)."""
    files = sql_files("stage")
    writers: dict[str, list[str]] = {}
    for name, _where, sql in files:
        for table in re.findall(r"(?:CREATE OR REPLACE TABLE|INSERT INTO) stage\.(\w+)", sql):
            writers.setdefault(table, []).append(name)
    late = [
        (name, table, writer)
        for name, _where, sql in files
        for table in set(re.findall(r"(?:FROM|JOIN) stage\.(\w+)", _code(sql)))
        for writer in writers.get(table, [])
        if writer > name
    ]
    assert late == []
