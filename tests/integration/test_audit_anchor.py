"""The audit trail against tampering by someone who can write the database: anchors kept elsewhere
catch a trail cut back or rewritten, the deep check catches rows edited outside theorize, and a
removed event is said to be missing from where it was."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

import theorize
from tests.helpers import C03, transcript
from theorize.store.audit import event_hash
from theorize.store.schema import audit_event

K01 = transcript(
    "K01_interview",
    [
        ("Interviewer", "How do you start with a new client?"),
        ("Counselor", "I tell them straight what goes to the judge and what stays here."),
    ],
)


def _busy(study):
    """Five events: create, import, add code, code, write memo."""
    study.import_parsed(C03)
    study.add_code("fear")
    study.code("C03_interview", "fear", segment=2)
    study.write_memo("m", "body")
    return study


def _sql(study, *statements, **params):
    with study.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def _head(study) -> str:
    """The first 12 digits of the newest hash the study row keeps."""
    with study.engine.connect() as conn:
        return conn.execute(text("select audit_head from study")).scalar_one()[:12]


def _rewrite_from(study, first: int, summary: str) -> None:
    """What an attacker with the database does: edit event ``first``, recompute every later hash and
    the study row's head, so the chain alone holds."""
    with study.engine.begin() as conn:
        conn.execute(text("update audit_event set summary = :s where id = :i"), {"s": summary, "i": first})
        rows = (
            conn.execute(select(audit_event).where(audit_event.c.id >= first).order_by(audit_event.c.id))
            .mappings()
            .all()
        )
        prev = conn.execute(text("select hash from audit_event where id = :i"), {"i": first - 1}).scalar_one()
        for row in rows:
            digest = event_hash(
                prev, row["id"], row["at"], row["actor"], row["action"], row["summary"], row["changes"], row["undoes"]
            )
            conn.execute(
                text("update audit_event set prev_hash = :p, hash = :h where id = :i"),
                {"p": prev, "h": digest, "i": row["id"]},
            )
            prev = digest
        conn.execute(text("update study set audit_head = :h"), {"h": prev})


# -- (a) anchors -----------------------------------------------------------------------------------


def test_a_trail_cut_back_with_its_study_row_passes_the_chain_but_not_the_anchor(project):
    _busy(project)
    anchor = project.audit_anchor()
    assert anchor.event == 5 and len(anchor.hash) == 64
    assert project.verify_audit(anchor=str(anchor)).ok
    head = project.verify_audit()
    _sql(project, "delete from audit_event where id = 5")
    with project.engine.begin() as conn:
        h4 = conn.execute(text("select hash from audit_event where id = 4")).scalar_one()
        conn.execute(text("update study set audit_head = :h, audit_count = 4"), {"h": h4})
    assert head.ok and project.verify_audit().ok  # the chain alone cannot tell
    report = project.verify_audit(anchor=anchor)
    assert report.problems == [
        ("the anchor names event 5, but the trail ends at event 4: it was cut back since the anchor was taken")
    ]


def test_a_trail_rewritten_with_every_later_hash_recomputed_is_caught_by_the_anchor(project):
    _busy(project)
    anchor = project.audit_anchor()
    old = anchor.hash[:12]
    _rewrite_from(project, 3, "nothing happened")
    assert project.verify_audit().ok  # the chain alone cannot tell
    new = project.audit_anchor().hash[:12]
    assert project.verify_audit(anchor=anchor).problems == [
        (
            f"event 5's hash is {new}, not the anchor's {old}: the trail up to event 5 was rewritten since the "
            "anchor was taken"
        )
    ]


def test_an_anchor_still_holds_after_later_actions(project):
    _busy(project)
    anchor = project.audit_anchor()
    project.add_code("hope")
    project.undo()
    assert project.verify_audit(anchor=anchor, deep=True).ok


def test_a_malformed_anchor_is_one_sentence(project):
    with pytest.raises(theorize.InvalidInput) as error:
        project.verify_audit(anchor="5:abc")
    assert str(error.value) == (
        "'5:abc' is not an audit anchor; an anchor is an event number, a colon and 64 hex "
        "digits (e.g. 42:3f5a...), as `theorize audit anchor` prints it."
    )


# -- (c) where an event went missing --------------------------------------------------------------


def test_a_middle_event_deleted_is_reported_as_removed_from_the_middle(project):
    _busy(project)
    _sql(project, "delete from audit_event where id = 3")
    assert project.verify_audit().problems == [
        "event 3 is missing: it was removed from the middle of the trail (between events 2 and 4)"
    ]


def test_several_middle_events_and_the_end(project):
    _busy(project)
    project.add_code("hope")
    _sql(project, "delete from audit_event where id in (2, 3, 6)")
    assert project.verify_audit().problems == [
        "events 2 to 3 are missing: they were removed from the middle of the trail (between events 1 and 4)",
        (
            f"the trail should hold 6 events ending in {_head(project)}, but its last is event 5: "
            "event 6 was removed from its end"
        ),
    ]


def test_the_last_event_deleted_is_reported_as_removed_from_the_end(project):
    _busy(project)
    _sql(project, "delete from audit_event where id = 5")
    head = _head(project)
    assert project.verify_audit().problems == [
        f"the trail should hold 5 events ending in {head}, but its last is event 4: event 5 was removed from its end"
    ]


# -- (b) the deep check ----------------------------------------------------------------------------


def test_a_coding_edited_in_the_database_is_named(project):
    _busy(project)
    assert project.verify_audit(deep=True).ok
    coding = int(project.codings()["id"].iloc[0])
    end = int(project.codings()["end"].iloc[0])
    _sql(project, 'update coding set "end" = "end" + 5 where id = :i', i=coding)
    report = project.verify_audit(deep=True)
    assert report.problems == []  # the chain holds: only the deep check sees it
    assert [str(d) for d in report.differences] == [
        f"coding {coding}, end: the table has {end + 5}, the audit trail {end}: it was changed outside theorize"
    ]
    assert (report.differences[0].table, report.differences[0].row, report.differences[0].column) == (
        "coding",
        str(coding),
        "end",
    )


def test_a_code_renamed_in_the_database_is_named(project):
    _busy(project)
    _sql(project, "update code set name = 'courage' where name = 'fear'")
    assert [str(d) for d in project.verify_audit(deep=True).differences] == [
        "code 1, name: the table has 'courage', the audit trail 'fear': it was changed outside theorize"
    ]


def test_a_transcript_edited_in_the_database_is_named(project):
    long = transcript("long_interview", [("Interviewer", "Go on."), ("Participant", "I kept it short. " * 200)])
    project.import_parsed(long)
    project.import_parsed(C03)
    _sql(project, "update source_version set text = replace(text, 'short', 'brief') where id = 1")
    _sql(project, "update source_version set text = replace(text, 'judge', 'JUDGE') where id = 2")
    assert [str(d) for d in project.verify_audit(deep=True).differences] == [  # recorded as SHA-256 and length
        (
            f"source_version 1, text: the table's text ({len(long.text):,} characters) is not the one the audit trail "
            f"recorded ({len(long.text):,} characters): it was changed outside theorize"
        ),
        (
            f"source_version 2, text: the table's text ({len(C03.text)} characters) is not the one the audit trail "
            f"recorded ({len(C03.text)} characters): it was changed outside theorize"
        ),
    ]


def test_rows_added_or_deleted_in_the_database_are_named(project):
    _busy(project)
    _sql(
        project,
        "delete from coding",
        "delete from segment where position = 1",
        "insert into memo_link (memo_id, target_type, target_id) values (1, 'source', 1)",
    )
    assert sorted(str(d) for d in project.verify_audit(deep=True).differences) == [
        "coding 1 is in the audit trail but not in the table: it was deleted outside theorize",
        "memo_link 1 is in the table but in no audit event: it was added outside theorize",
        (
            "segment rows of source_version_id 1: the audit trail has 4, the table 3: "
            "rows were added or deleted outside theorize"
        ),
    ]


def test_a_long_history_with_undo_bulk_work_and_text_edits_replays_exactly(project, tmp_path):
    project.import_parsed(C03, participant="C03", group="client")
    project.import_parsed(K01, participant="K01", group="counselor")
    project.add_participant("C05", group="client", age_band="30-39")
    project.set_attributes("C03", {"graduated": False, "age_band": "20-29"})
    project.set_attributes("C03", {"graduated": True})
    project.describe_study(title="From compliance to alliance", research_question="How?")
    for name in ("fear", "doing my time", "short answers"):
        project.add_code(name)
    project.add_code("guarding", stage="focused")
    first = project.code("C03_interview", "fear", quote="judge wouldn't send me back")
    project.code("C03_interview", "doing my time", quote="doing my time")
    project.code_many(
        [
            {"source": "C03_interview", "code": "short answers", "quote": "I kept it short"},
            {"source": "K01_interview", "code": "fear", "quote": "goes to the judge"},
        ]
    )
    project.code_in_vivo("C03_interview", quote="he writes stuff down")
    project.rename_code("fear", "fearing the judge")
    project.move_code("short answers", parent="guarding")
    project.merge_codes(["doing my time"], into="guarding")
    project.promote_code("guarding", "category")
    project.add_code("Living in the court's shadow", stage="category")
    memo = project.write_memo("Compliance as time served", "body", type="theoretical", codes=["guarding"])
    project.link_memo(memo, codings=[first])
    project.relate("Living in the court's shadow", "guarding", "is a condition for")
    project.add_stage("testing")
    project.place_category("guarding", "stage", stage="testing")
    project.place_category("Living in the court's shadow", "condition")
    project.describe_category("guarding", properties=["who advocates"], dimensions=["trust: guarded .. open"])
    project.snapshot("after interview 2")
    text_now = project.text("C03_interview")
    project.edit_text("C03_interview", text_now.replace("Honestly? ", ""), reason="filler removed")
    project.uncode(first)
    project.undo()  # the coding comes back
    codings = project.codings()
    project.split_code("guarding", [int(codings[codings["code"] == "guarding"]["id"].iloc[0])], "guarding the file")
    other = theorize.create_project(tmp_path / "other.theorize", user="sam")
    other.import_parsed(transcript("C09_interview", [("Interviewer", "And then?"), ("Participant", "Then I talked.")]))
    other.add_code("talking")
    other.code("C09_interview", "talking", segment=2)
    other.export_refi(tmp_path / "other.qdpx")
    other.close()
    project.import_refi(tmp_path / "other.qdpx")
    project.undo()  # the whole import goes: rows inserted in bulk, removed with it
    project.import_refi(tmp_path / "other.qdpx")
    for _ in range(12):  # and take back the newest actions, one after another
        project.undo()
    assert project.audit()["action"].tolist()[-12:] == ["undo"] * 12
    report = project.verify_audit(deep=True)
    assert report.problems == [] and [str(d) for d in report.differences] == []
    assert report.rows_checked >= 30
    _sql(project, "update code set definition = 'x' where id = 1")
    assert [str(d) for d in project.verify_audit(deep=True).differences] == [
        "code 1, definition: the table has 'x', the audit trail '': it was changed outside theorize"
    ]


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture
def busy_file(tmp_path):
    study = _busy(theorize.create_project(tmp_path / "study.theorize", user="lena"))
    study.close()
    return tmp_path / "study.theorize"


def test_cli_anchor_then_verify_with_it(run, busy_file):
    study = theorize.open_project(busy_file)
    anchor = study.audit_anchor()
    study.close()
    result = run("audit", "anchor")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Audit anchor: {anchor}"
    assert lines[1].startswith("The newest event, 5, written ")
    assert lines[1].endswith(" UTC by lena; its hash covers every event before it.")
    assert lines[2].endswith(
        f"`theorize audit verify --anchor {anchor}` shows whether anything up to it was removed or rewritten."
    )
    ok = run("audit", "verify", "--anchor", str(anchor), "--deep")
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines() == [
        "The audit trail is intact: 5 events, each chained to the one before.",
        "The anchor holds: nothing up to event 5 was removed or rewritten since it was taken.",
        f"Every table matches the changes the trail recorded ({ok_rows(busy_file)} rows checked).",
    ]


def ok_rows(path) -> int:
    study = theorize.open_project(path)
    try:
        return study.verify_audit(deep=True).rows_checked
    finally:
        study.close()


def test_cli_verify_names_tampering_and_exits_1(run, busy_file):
    study = theorize.open_project(busy_file)
    anchor = str(study.audit_anchor())
    _sql(study, "delete from audit_event where id = 3", "update memo set title = 'nothing'")
    study.close()
    result = run("audit", "verify", "--anchor", anchor, "--deep")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Problem: event 3 is missing: it was removed from the middle of the trail (between events 2 and 4)",
        "Differs: code 1 is in the table but in no audit event: it was added outside theorize",
        "Differs: memo 1, title: the table has 'nothing', the audit trail 'm': it was changed outside theorize",
        "The audit trail has been tampered with (3 problems).",
    ]


def test_cli_a_malformed_anchor_exits_2_with_one_sentence(run, busy_file):
    result = run("audit", "verify", "--anchor", "not-an-anchor")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: 'not-an-anchor' is not an audit anchor; an anchor is an event number, a colon and 64 hex digits "
        "(e.g. 42:3f5a...), as `theorize audit anchor` prints it."
    )


def test_the_report_prints_the_anchor(busy_file, tmp_path):
    from theorize.report import write_report

    study = theorize.open_project(busy_file)
    anchor = study.audit_anchor()
    for fmt in ("html", "md"):
        write_report(study, tmp_path / f"report.{fmt}", fmt=fmt)
        assert str(anchor) in (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
    write_report(study, tmp_path / "report.docx", fmt="docx")
    study.close()
    import docx

    cells = [c.text for t in docx.Document(str(tmp_path / "report.docx")).tables for row in t.rows for c in row.cells]
    assert any(str(anchor) in c for c in cells)


def test_the_deep_check_sees_one_moment_while_a_colleague_keeps_writing(project, location):
    import threading

    _busy(project)
    colleague = theorize.open_project(location, user="sam")
    stop, errors = threading.Event(), []

    def write():
        try:
            i = 0
            while not stop.is_set():
                colleague.add_code(f"code {i}")
                i += 1
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        reports = [project.verify_audit(deep=True) for _ in range(5)]
    finally:
        stop.set()
        writer.join()
        colleague.close()
    assert errors == []
    assert [(r.problems, [str(d) for d in r.differences]) for r in reports] == [([], [])] * 5
    project.add_code("after the checks")  # the connections the checks used still write as before
    assert project.verify_audit(deep=True).ok
