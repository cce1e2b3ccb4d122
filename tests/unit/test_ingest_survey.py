"""Open-ended survey answers (.csv, .xlsx) as sources, per respondent or per question."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from theorize.domain.sources import Role, SourceKind
from theorize.errors import InvalidInput
from theorize.ingest import read_survey, read_survey_bytes

CSV = (
    "Timestamp,Pseudonym,Age,What helped most?,What got in the way?\r\n"
    '2026/03/01 10:00,R001,34,"My counselor listened,\r\nreally listened.",The bus.\r\n'
    "2026/03/01 11:00,R002,51,,Court dates.\r\n"
    "2026/03/02 09:30,R003,34,,\r\n"
    "2026/03/02 09:45,R004,28,Group.,Nothing – naïve as that sounds.\r\n"
)


def answers(src):
    return [(t.speaker, t.role, src.text[t.start : t.end]) for t in src.turns]


def test_one_source_per_respondent(tmp_path):
    path = tmp_path / "exit_survey.csv"
    path.write_bytes(CSV.encode("cp1252"))
    sources = read_survey(path)
    assert [s.participant for s in sources] == ["R001", "R002", "R004"]  # R003 answered nothing
    first = sources[0]
    assert first.name == "exit_survey - R001"
    assert first.kind is SourceKind.SURVEY_RESPONSE
    assert first.file_format == "csv"
    assert first.text == (
        "What helped most?: My counselor listened,\nreally listened.\n\nWhat got in the way?: The bus."
    )
    assert answers(first) == [
        ("What helped most?", Role.PARTICIPANT, "My counselor listened,\nreally listened."),
        ("What got in the way?", Role.PARTICIPANT, "The bus."),
    ]
    assert first.metadata == {"respondent": "R001", "id column": "Pseudonym"}
    assert answers(sources[1]) == [("What got in the way?", Role.PARTICIPANT, "Court dates.")]
    assert sources[2].text.endswith("Nothing – naïve as that sounds.")


def test_one_source_per_question():
    sources = read_survey_bytes(CSV.encode(), "exit_survey.csv", per="question")
    assert [s.name for s in sources] == ["exit_survey - What helped most?", "exit_survey - What got in the way?"]
    helped = sources[0]
    assert helped.participant is None
    assert helped.metadata == {"question": "What helped most?"}
    assert helped.text == "R001: My counselor listened,\nreally listened.\n\nR004: Group."
    assert answers(helped) == [
        ("R001", Role.PARTICIPANT, "My counselor listened,\nreally listened."),
        ("R004", Role.PARTICIPANT, "Group."),
    ]


def test_chosen_id_and_question_columns_and_semicolons():
    data = "Age;Code;Q1\n34;A;Yes, it helped.\n51;B;No.\n".replace("\n", "\r\n").encode()
    sources = read_survey_bytes(data, "s.csv", id_column="Code", question_columns=["Age", "Q1"])
    assert [s.participant for s in sources] == ["A", "B"]
    assert sources[0].text == "Age: 34\n\nQ1: Yes, it helped."


def test_without_an_id_column_rows_are_numbered():
    data = b"Answer\nSame\nSame\n"
    sources = read_survey_bytes(data, "s.csv")
    assert [(s.participant, s.text) for s in sources] == [("1", "Answer: Same"), ("2", "Answer: Same")]


def xlsx(rows: list[list[object]], title: str = "Responses") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.create_sheet("Other").append(["x"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_survey_with_numbers_and_dates():
    data = xlsx(
        [
            ["ID", "Started", "Score", "Tell us more"],
            [101, dt.datetime(2026, 3, 1), 4.0, "Counselor was kind."],
            [102, dt.datetime(2026, 3, 2), 3.5, None],
            [103, dt.datetime(2026, 3, 3), 2.0, "  Too many rules.  "],
        ]
    )
    sources = read_survey_bytes(data, "survey.xlsx")
    assert [(s.participant, s.text, s.file_format) for s in sources] == [
        ("101", "Tell us more: Counselor was kind.", "xlsx"),
        ("103", "Tell us more: Too many rules.", "xlsx"),
    ]
    by_name = read_survey_bytes(data, "survey.xlsx", sheet="Responses", question_columns=["Started", "Score"])
    assert by_name[1].text == "Started: 2026-03-02\n\nScore: 3.5"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"per": "answer"}, "per must be 'respondent' or 'question', not 'answer'"),
        (
            {"id_column": "Nope"},
            "exit_survey.csv has no column named 'Nope'; its columns are: Timestamp, Pseudonym, "
            "Age, What helped most?, What got in the way?",
        ),
        (
            {"id_column": "Age"},
            "exit_survey.csv has empty or repeated values in the Age column; "
            "choose a column with one id per respondent",
        ),
        (
            {"question_columns": ["Why?"]},
            "exit_survey.csv has no column named 'Why?'; its columns are: Timestamp, Pseudonym, "
            "Age, What helped most?, What got in the way?",
        ),
    ],
)
def test_bad_survey_arguments(kwargs, expected):
    with pytest.raises(InvalidInput) as e:
        read_survey_bytes(CSV.encode(), "exit_survey.csv", **kwargs)
    assert str(e.value) == expected


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (
            b"ID,Answer\n1,\n2,\n",
            "s.csv",
            "s.csv has no answers in the columns Answer; name the answer columns with question_columns",
        ),
        (b"ID,Answer\n", "s.csv", "s.csv has no rows under its header; check that you chose the right file or sheet"),
        (b"", "s.csv", "s.csv has no text in it; check that you chose the right file and that it was saved"),
        (
            b'ID,Answer\n1,"never closed\n',
            "s.csv",
            "s.csv is not a well-formed CSV file (EOF inside string starting at row 1); "
            "open it in a spreadsheet program and save it again as CSV",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "s.xlsx",
            "s.xlsx is password-protected or an old .xls; save it as an unprotected .xlsx",
        ),
        (
            b"PK\x03\x04broken",
            "s.xlsx",
            "s.xlsx is damaged (it is not a valid Excel workbook); "
            "open it in a spreadsheet program and save it again as .xlsx",
        ),
        (
            b"%PDF-1.4 ...",
            "s.csv",
            "s.csv is not a CSV file (it looks like a PDF); rename it to s.pdf and import it again",
        ),
        (
            b"a,b\n1,2\n",
            "s.ods",
            "s.ods has a suffix theorize cannot read as a spreadsheet (.ods); save it as .csv or .xlsx",
        ),
    ],
)
def test_bad_survey_files(data, filename, expected):
    with pytest.raises(InvalidInput) as e:
        read_survey_bytes(data, filename)
    assert str(e.value) == expected


def test_missing_sheet():
    with pytest.raises(InvalidInput) as e:
        read_survey_bytes(xlsx([["ID", "A"], [1, "x"]]), "s.xlsx", sheet="Sheet9")
    assert str(e.value) == "s.xlsx has no sheet named 'Sheet9'; its sheets are: Responses, Other"
