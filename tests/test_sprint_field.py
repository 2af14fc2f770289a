"""Golden tests for both shapes of the Jira Sprint field, through the SQL that reads it (field notes #6)."""

import json

import duckdb
import pytest

from pipelines.transform import register_functions

LEGACY = (
    "com.atlassian.greenhopper.service.sprint.Sprint@1a2b3c[id=12,rapidViewId=3,state=CLOSED,name=APL Sprint 1,"
    "goal=Ship a, b, and c,,startDate=2026-01-05T10:00:00.000Z,endDate=2026-01-19T10:00:00.000Z,"
    "completeDate=2026-01-19T12:00:00.000Z,sequence=12]"
)
LEGACY_NULLS = (
    "com.atlassian.greenhopper.service.sprint.Sprint@ff[id=7,rapidViewId=1,state=FUTURE,name=Next, maybe,"
    "goal=<null>,startDate=<null>,endDate=<null>,completeDate=<null>,sequence=7]"
)


@pytest.fixture()
def conn():
    connection = duckdb.connect()
    register_functions(connection)
    yield connection
    connection.close()


def ids(conn, value):
    return conn.execute("SELECT pmhub_sprint_ids(?::JSON)", [json.dumps(value)]).fetchone()[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ([], []),
        ([{"id": 1, "name": "S1", "goal": "a, b"}, {"id": 2, "name": "S2"}], ["1", "2"]),
        ([LEGACY], ["12"]),
        ([LEGACY_NULLS, LEGACY], ["7", "12"]),
        (LEGACY, ["12"]),
    ],
)
def test_sprint_ids_of_both_shapes(conn, value, expected):
    assert ids(conn, value) == expected


def test_unreadable_value_is_an_error_not_an_empty_list(conn):
    with pytest.raises(duckdb.Error, match="unreadable Sprint field value: Sprint 1"):
        ids(conn, ["Sprint 1"])
