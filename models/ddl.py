"""DuckDB `CREATE TABLE` text for the contract models of `models.schema`."""

from __future__ import annotations

from datetime import date, datetime
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

_DUCKDB_TYPES: dict[Any, str] = {
    str: "VARCHAR",
    int: "BIGINT",
    float: "DOUBLE",
    bool: "BOOLEAN",
    datetime: "TIMESTAMPTZ",
    date: "DATE",
}


def _duckdb_type(annotation: Any) -> tuple[str, bool]:
    """DuckDB type of a field annotation, and whether NULL is allowed."""
    nullable = False
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not NoneType]
        nullable = len(args) < len(get_args(annotation))
        annotation = args[0]
    if get_origin(annotation) is Literal:
        return "VARCHAR", nullable
    return _DUCKDB_TYPES[annotation], nullable


def table_ddl(schema: str, table: str, model: type[BaseModel]) -> str:
    """`CREATE TABLE` text for one model; names come from this module, never from input."""
    columns = []
    for name, field in model.model_fields.items():
        sql_type, nullable = _duckdb_type(field.annotation)
        columns.append(f"{name} {sql_type}{'' if nullable else ' NOT NULL'}")
    return f"CREATE TABLE {schema}.{table} ({', '.join(columns)})"


def column_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)
