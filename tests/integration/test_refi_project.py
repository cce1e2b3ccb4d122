"""REFI-QDA through the project: real files from other tools in, our export out, and back."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

import theorize
from tests.conftest import shared_path
from tests.helpers import C03
from theorize.cli.main import cli
from theorize.exchange.refi import canonical, read_qdpx

SAMPLES = [
    "nvivo-mac15_qualitative-coding_nvivo_project.qdpx",
    "qc-tool_qualitative-coding_demo.qdpx",
    "qualcoder40beta_harness_demo.qdpx",
    "qualcoder40beta_harness_demo_maxqda-crlf.qdpx",
    "qualcoder40beta_harness_demo_two-annotations.qdpx",
    "qualcoder40beta_harness_Codebook-demo.qdc",
    "atlasti23-4_requal-test_codebook.qdc",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_imports_exports_validates_and_reimports_the_same(sample, tmp_path):
    path = shared_path("refi", "samples", sample)
    first = theorize.create_project(tmp_path / "first.theorize", user="lena")
    first.import_refi(path)
    out = tmp_path / f"out{path.suffix}"
    first.export_refi(out)  # validated against the schema before it is written
    second = theorize.create_project(tmp_path / "second.theorize", user="lena")
    second.import_refi(out)
    assert canonical(first.to_refi()) == canonical(second.to_refi())


def test_nvivo_codebook_keeps_repeated_names_as_different_codes(tmp_path):
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.import_refi(shared_path("refi", "samples", "nvivo-mac15_qualitative-coding_nvivo_project.qdpx"))
    codes = study.codes()
    assert len(codes) == 262
    repeated = codes.name.value_counts()
    assert (repeated > 1).sum() == 9
    assert codes.path.is_unique


def test_qualcoder_codings_land_on_the_same_words(tmp_path):
    path = shared_path("refi", "samples", "qualcoder40beta_harness_demo_maxqda-crlf.qdpx")
    refi, _ = read_qdpx(path)
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.import_refi(path)
    ours = sorted(zip(study.codings().code, study.codings().quote))
    expected = []
    names = {c.guid: c.name for c, _, _ in refi.walk_codes()}
    for src in refi.sources:
        for sel in src.selections:
            for c in sel.codings:
                expected.append((names[c.code_guid], src.text[sel.start : sel.end]))
    assert ours == sorted(expected)


def test_our_project_round_trips_with_memos_relations_stages_and_attributes(project, tmp_path):
    project.import_parsed(C03, participant="C03", group="client")
    project.set_attributes("C03", {"age_band": "18-24", "sanctions": 1})
    project.add_code("Living in the court's shadow", stage="category")
    project.add_code("fearing jail", stage="focused", parent="Living in the court's shadow", colour="#aa3311")
    project.add_code("doing my time", stage="focused")
    coding = project.code("C03_interview", "doing my time", quote="I was just doing my time")
    project.code("C03_interview", "fearing jail", quote="so the judge wouldn't send me back", coder="sam")
    project.relate("Living in the court's shadow", "doing my time", "is a condition for")
    project.write_memo("Time served", "C03 *does time*.", type="theoretical", codes=["doing my time"], codings=[coding])
    out = tmp_path / "study.qdpx"
    report = project.export_refi(out)
    assert report.carried["Code"] == 3
    again = theorize.create_project(tmp_path / "again.theorize", user="lena")
    again.import_refi(out)
    assert canonical(project.to_refi()) == canonical(again.to_refi())
    assert again.codes().set_index("name").loc["fearing jail", "stage"] == "focused"
    assert again.relations()[["source", "type", "target"]].values.tolist() == [
        ["Living in the court's shadow", "is a condition for", "doing my time"]
    ]
    assert again.memos().iloc[0]["type"] == "theoretical"
    assert again.participants().set_index("participant").loc["C03", "age_band"] == "18-24"
    assert sorted(again.codings().quote) == sorted(project.codings().quote)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    assert "project.qde" in names and all(
        n in ("project.qde", "theorize.json") or n.startswith("sources/") for n in names
    )
    project.export_refi(tmp_path / "second.qdpx")  # GUIDs are stable across exports
    assert (tmp_path / "second.qdpx").read_bytes() == out.read_bytes()


def test_import_is_one_action_that_undo_removes(tmp_path):
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.import_refi(shared_path("refi", "samples", "qc-tool_qualitative-coding_demo.qdpx"))
    assert len(study.codings()) == 205
    assert study.audit().action.tolist() == ["create project", "import REFI-QDA"]
    study.undo()
    assert study.codings().empty and study.codes().empty and study.sources().empty
    assert study.verify_audit().ok


def test_a_bad_file_is_one_sentence_and_changes_nothing(tmp_path, monkeypatch):
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.close()
    monkeypatch.chdir(tmp_path)
    bad = shared_path("refi", "samples", "qualcoder40beta_harness_demo_ampersand-annotation.qdpx")
    result = CliRunner().invoke(cli, ["import", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad.name} is not a REFI-QDA project: project.qde is not well-formed XML")
    assert "unescaped '&'" in result.output
    notzip = tmp_path / "fake.qdpx"
    notzip.write_text("hello")
    result = CliRunner().invoke(cli, ["import", str(notzip)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    with theorize.open_project(tmp_path / "s.theorize") as again:
        assert again.audit().action.tolist() == ["create project"]


def test_cli_export_and_import_qdpx(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.import_parsed(C03)
    study.add_code("doing my time")
    study.code("C03_interview", "doing my time", segment=2)
    study.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--format", "qdpx", "out.qdpx"])
    assert result.exit_code == 0, result.output
    assert "Export of out.qdpx" in result.output or "out.qdpx" in result.output
    result = runner.invoke(cli, ["export", "qdc", "codebook.qdc"])
    assert result.exit_code == 0, result.output
    other = theorize.create_project(tmp_path / "o.theorize", user="lena")
    other.close()
    result = runner.invoke(cli, ["-p", "o.theorize", "import", "out.qdpx"])
    assert result.exit_code == 0, result.output
    with theorize.open_project(tmp_path / "o.theorize") as o:
        assert o.codings().quote.tolist()[0].startswith("Honestly?")


def shared_schema_errors(path) -> list[str]:
    """What the shared REFI schema (../shared/refi/Project.xsd) finds wrong in an exported .qdpx."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(shared_path("refi", "Project.xsd"))))
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("project.qde"))
    schema.validate(root)
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def test_yes_no_values_are_refi_booleans_and_every_date_carries_its_zone(location, tmp_path):
    """Issue 9.17: yes/no values failed the Boolean check (8 of 84 demo values lost); dates had no zone."""
    from lxml import etree

    study = theorize.create_project(location, user="lena")
    study.import_parsed(C03, participant="C03")
    study.add_participant("C04", on_probation=False)
    study.set_attributes("C03", {"on_probation": True, "intake": "2026-02-03", "sanctions": 2})
    study.add_participant("C05")
    study.set_attributes("C05", {"on_probation": "Yes"})
    report = study.export_refi(tmp_path / "out.qdpx")
    assert report.not_carried_counts()["VariableValue"] == 0
    assert report.carried["VariableValue"] == 5
    assert shared_schema_errors(tmp_path / "out.qdpx") == []
    with zipfile.ZipFile(tmp_path / "out.qdpx") as z:
        root = etree.fromstring(z.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert sorted(e.text for e in root.iterfind(".//q:BooleanValue", ns)) == ["false", "true", "true"]
    dates = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("DateTime")]
    assert dates and all(d.endswith("Z") or d[-6] in "+-" for d in dates)
    again = theorize.create_project(tmp_path / "again.theorize", user="lena")
    again.import_refi(tmp_path / "out.qdpx")
    people = again.participants().set_index("participant")
    assert people.loc["C03", "on_probation"] == "yes" and people.loc["C04", "on_probation"] == "no"
    study.close()


def _coded_project(path, coder: str, code: str, quote: str):
    study = theorize.create_project(path, user=coder)
    study.import_parsed(C03)
    study.add_code(code)
    study.code("C03_interview", code, quote=quote)
    return study


def _without_theorize_json(path) -> None:
    """``path`` as another tool would pass it on: the REFI-QDA elements only."""
    data = {}
    with zipfile.ZipFile(path) as z:
        data = {n: z.read(n) for n in z.namelist() if n != "theorize.json"}
    with zipfile.ZipFile(path, "w") as z:
        for name, content in data.items():
            z.writestr(name, content)


@pytest.mark.parametrize("carried", ["with theorize.json", "REFI-QDA only"])
def test_two_projects_exports_go_into_one_project_and_out_again(location, tmp_path, carried):
    """Issue 9.16: selection GUIDs were made from row numbers, so coding #1 of every project had the
    same one, and a project holding two theorize exports could not be exported."""
    exports = []
    for name, coder, code, quote in (
        ("a", "sam", "doing my time", "I was just doing my time"),
        ("b", "kim", "keeping it short", "So I kept it short"),
    ):
        with _coded_project(tmp_path / f"{name}.theorize", coder, code, quote) as study:
            study.export_refi(tmp_path / f"{name}.qdpx")
            exports.append(tmp_path / f"{name}.qdpx")
        if carried == "REFI-QDA only":
            _without_theorize_json(exports[-1])
    first, second = (read_qdpx(p)[0] for p in exports)
    selections = [{s.guid for _, s in p.all_selections()} for p in (first, second)]
    assert selections[0] and selections[1] and not selections[0] & selections[1]
    both = theorize.create_project(location, user="lena")
    for path in exports:
        both.import_refi(path)
    assert sorted(both.codings().code) == ["doing my time", "keeping it short"]
    both.export_refi(tmp_path / "both.qdpx")  # validated; a repeated GUID would refuse it
    again = theorize.create_project(tmp_path / "again.theorize", user="lena")
    again.import_refi(tmp_path / "both.qdpx")
    assert canonical(again.to_refi()) == canonical(both.to_refi())
    both.close()


def _at_revision_0004_with_codings(engine):
    from alembic import command
    from sqlalchemy import text

    from theorize.store.migrate import _config

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    rows = [
        "insert into study (id, title, research_question, method_notes, created_at, audit_head, audit_count)"
        " values (1, 'Old', '', '', '2026-01-01 00:00:00', '', 0)",
        "insert into coder (id, name, role, guid, created_at) values (1, 'lena', '', 'c0000000-0000-4000-8000-000000000001', '2026-01-01 00:00:00')",
        "insert into source (id, name, kind, file_format, imported_sha256, current_version, guid, imported_at)"
        " values (1, 's', 'interview', 'txt', 'x', 1, 'c0000000-0000-4000-8000-000000000002', '2026-01-01 00:00:00')",
        "insert into code (id, name, definition, stage, in_vivo, guid, created_at)"
        " values (1, 'c', '', 'initial', false, 'c0000000-0000-4000-8000-000000000003', '2026-01-01 00:00:00')",
    ]
    for i in (1, 2, 3):
        rows.append(
            'insert into coding (id, source_id, source_version, start, "end", code_id, coder_id, origin, status, guid,'
            f" created_at) values ({i}, 1, 1, 0, {i}, 1, 1, 'human', 'accepted', 'c0000000-0000-4000-8000-00000000001{i}',"
            " '2026-01-01 00:00:00')"
        )
    rows.append(
        "insert into coding_selection (coding_id, selection_guid) values (2, 'c0000000-0000-4000-8000-000000000099')"
    )
    with engine.begin() as conn:
        for sql in rows:
            conn.execute(text(sql))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migration_0005_gives_every_coding_a_random_selection_guid(backend, tmp_path, request):
    from sqlalchemy import select

    from theorize.store import schema as t
    from theorize.store.engine import make_engine

    where = tmp_path / "old.theorize" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(where)
    _at_revision_0004_with_codings(engine)
    engine.dispose()
    with theorize.open_project(where, user="lena") as study:
        with study.engine.connect() as conn:
            got = dict(conn.execute(select(t.coding.c.id, t.coding.c.selection_guid).order_by(t.coding.c.id)).all())
    assert got[2] == "c0000000-0000-4000-8000-000000000099"  # the selection it was imported with
    assert len(set(got.values())) == 3 and all(len(g) == 36 for g in got.values())


def qualcoder_journals(path) -> list[str]:
    """The notes QualCoder 3.x imports as journals, by the rules of its REFI import (refi.py, parse_notes):
    a named note whose plainTextPath names a file in sources/, and that no TextSource lists as a NoteRef
    of its own (those it takes for text annotations, and drops when they hold no selection)."""
    from lxml import etree

    ns = {"q": "urn:QDA-XML:project:1.0"}
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("project.qde"))
        files = set(z.namelist())
    annotations = {r.get("targetGUID") for r in root.iterfind("q:Sources/q:TextSource/q:NoteRef", ns)}
    return [
        n.get("name")
        for n in root.iterfind("q:Notes/q:Note", ns)
        if n.get("name")
        and n.get("guid") not in annotations
        and (n.get("plainTextPath") or "").startswith("internal://")
        and f"sources/{n.get('plainTextPath')[len('internal://') :]}" in files
    ]


def test_memos_are_written_as_other_tools_read_them(location, tmp_path):
    """Issue 9.19: memos were written inline only, so QualCoder imported 0 of 28; a memo on a merged code
    pointed at a code the export leaves out."""
    study = theorize.create_project(location, user="lena")
    study.import_parsed(C03)
    study.add_code("doing my time")
    study.add_code("serving time")
    study.code("C03_interview", "serving time", quote="I was just doing my time")
    study.write_memo("Time", "C03 *does time*.", codes=["serving time"], sources=["C03_interview"])
    study.write_memo("Judge", "The judge is always there.", sources=["C03_interview"])
    study.merge_codes(["serving time"], into="doing my time")
    report = study.export_refi(tmp_path / "out.qdpx")
    assert report.not_carried_counts()["NoteRef"] == 0
    assert sorted(qualcoder_journals(tmp_path / "out.qdpx")) == ["Judge", "Time"]
    assert shared_schema_errors(tmp_path / "out.qdpx") == []
    refi, _ = read_qdpx(tmp_path / "out.qdpx")
    live = next(c.guid for c, _, _ in refi.walk_codes() if c.name == "doing my time")
    time_memo = next(n for n in refi.notes if n.name == "Time")
    assert live in time_memo.targets and refi.sources[0].guid in time_memo.targets
    assert time_memo.text == "C03 *does time*."
    study.close()


def test_export_warns_when_code_names_repeat(tmp_path):
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    study.add_code("client")
    study.add_code("counselor")
    study.add_code("trust", parent="client")
    study.add_code("trust", parent="counselor")
    report = study.export_refi(tmp_path / "out.qdpx")
    assert report.warnings == [
        "2 codes are named 'trust' (client/trust; counselor/trust): QualCoder merges codes "
        "of one name into one on import; rename them to keep them apart there"
    ]
    assert "Warnings (1):" in report.summary()


def test_a_refi_document_that_is_no_transcript_gets_no_speakers(tmp_path):
    from theorize.exchange.refi import RefiProject, Source, guid_for, write_qdpx

    memo = (
        "Research questions\n\nRQ1: How do clients come to trust a counselor?\n\n"
        "RQ2: What does the court change?\n\nBB: ask Tom about the sampling.\n\nBB: second round in May."
    )
    talk = "Q: How did it start?\nA: With the judge."
    refi = RefiProject(
        name="other tool",
        sources=[Source(guid_for("source", 1), "questions.txt", memo), Source(guid_for("source", 2), "talk.txt", talk)],
    )
    write_qdpx(refi, tmp_path / "in.qdpx")
    study = theorize.create_project(tmp_path / "s.theorize", user="lena")
    report = study.import_refi(tmp_path / "in.qdpx")
    kinds = study.sources().set_index("name").kind
    assert kinds["questions.txt"] == "document" and kinds["talk.txt"] == "interview"
    assert set(study.segments("questions.txt").speaker.dropna()) == set()
    assert list(study.segments("talk.txt").speaker) == ["Q", "A"]
    assert any("questions.txt has labels" in d for d in report.decisions)
