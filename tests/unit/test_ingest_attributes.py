"""Attribute sheets: participant ids and typed attribute columns."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from theorize.errors import InvalidInput
from theorize.ingest import ATTRIBUTE_TYPES, read_attributes, read_attributes_bytes
from theorize.ingest.attributes import infer_type

CSV = """Site,Pseudonym,Age,Started,Mandated,Cohort,Notes,Empty
Riverton,C01,34,2026-01-12,yes,A,Came via probation,
Riverton,C02,51,2026-02-03,No,B,,
Calloway,C03,28.5,2026-02-20T10:30,Y,A,Second admission after relapse,
Riverton,C04,,2026-03-01,n,A,Quiet,
"""


def test_types_are_inferred_and_values_typed(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text(CSV, encoding="utf-8")
    sheet = read_attributes(path)
    assert sheet.id_column == "Pseudonym"
    assert sheet.types == {
        "Site": "category",
        "Age": "number",
        "Started": "date",
        "Mandated": "yes/no",
        "Cohort": "category",
        "Notes": "text",
        "Empty": "text",
    }
    assert set(sheet.types.values()) <= set(ATTRIBUTE_TYPES)
    frame = sheet.frame
    assert list(frame.columns) == ["Site", "Pseudonym", "Age", "Started", "Mandated", "Cohort", "Notes", "Empty"]
    assert frame["Pseudonym"].tolist() == ["C01", "C02", "C03", "C04"]
    assert str(frame["Age"].dtype) == "Float64"
    assert frame["Age"].tolist()[:3] == [34.0, 51.0, 28.5] and frame["Age"].isna().tolist()[3]
    assert frame["Started"].tolist()[2] == pd.Timestamp("2026-02-20 10:30")
    assert frame["Mandated"].tolist() == [True, False, True, False]
    assert str(frame["Cohort"].dtype) == "category"
    assert frame["Notes"].isna().tolist() == [False, True, False, False]


def test_integers_stay_integers_and_id_column_by_position():
    sheet = read_attributes_bytes(b"code,years\nP1,3\nP2,10\n", "a.csv")
    assert sheet.id_column == "code"
    assert str(sheet.frame["years"].dtype) == "Int64"


def test_xlsx_native_types():
    book = openpyxl.Workbook()
    rows = [
        ["participant", "age", "start", "mandated", "site"],
        ["C01", 34, dt.datetime(2026, 1, 12), True, "Riverton"],
        ["C02", 51, dt.datetime(2026, 2, 3), False, "Riverton"],
        [7, 40, dt.datetime(2026, 2, 4), True, "Calloway"],
        [None, None, None, None, None],
    ]
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    sheet = read_attributes_bytes(out.getvalue(), "participants.xlsx")
    assert sheet.types == {"age": "number", "start": "date", "mandated": "yes/no", "site": "category"}
    assert sheet.frame["participant"].tolist() == ["C01", "C02", "7"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "2.5", "-3", "1e3", None], "number"),
        (["yes", "NO", "True", "false", "y", "N"], "yes/no"),
        (["2026-03-12", "2026-03-12 10:30:00"], "date"),
        (["2026-02-30"], "text"),  # not a real day
        (["12/03/2026", "13/03/2026"], "text"),  # not ISO
        (["urban", "rural", "urban"], "category"),
        (["a", "b", "c"], "text"),  # nothing repeats
        ([f"v{i % 13}" for i in range(40)], "text"),  # too many distinct values
        (["x" * 41, "x" * 41], "text"),  # too long for a category
        ([None, None], "text"),
        ([True, False], "yes/no"),
        ([1, 2.5], "number"),
    ],
)
def test_infer_type(values, expected):
    assert infer_type(values) == expected


@pytest.mark.parametrize(
    ("data", "kwargs", "expected"),
    [
        (
            b"id,age\nC01,3\nC01,4\n",
            {},
            "a.csv lists participant C01 twice (rows 2 and 3); keep one row per participant",
        ),
        (b"id,age\nC01,3\n,4\n", {}, "a.csv has no participant id in row 3; fill in the id column for every row"),
        (b"id,age\nC01,3\n", {"id_column": "name"}, "a.csv has no column named 'name'; its columns are: id, age"),
    ],
)
def test_bad_attribute_sheets(data, kwargs, expected):
    with pytest.raises(InvalidInput) as e:
        read_attributes_bytes(data, "a.csv", **kwargs)
    assert str(e.value) == expected
