"""The audit chain detects edited, removed and reordered events."""

from __future__ import annotations

from sqlalchemy import text

from tests.helpers import C03


def _busy(project):
    project.import_parsed(C03)
    project.add_code("fear")
    project.code("C03_interview", "fear", segment=2)
    project.write_memo("m", "body")
    assert project.verify_audit().ok
    return project


def test_every_action_is_one_event_with_before_and_after(project):
    _busy(project)
    project.rename_code("fear", "fearing the judge")
    trail = project.audit()
    assert trail["action"].tolist() == [
        "create project",
        "import source",
        "add code",
        "code",
        "write memo",
        "rename code",
    ]
    assert set(trail["actor"]) == {"lena"}
    with project.engine.connect() as conn:
        changes = conn.execute(text("select changes from audit_event where action = 'rename code'")).scalar_one()
    assert '"before":{"name":"fear"}' in changes and '"after":{"name":"fearing the judge"}' in changes


def test_an_edited_event_is_detected(project):
    _busy(project)
    with project.engine.begin() as conn:
        conn.execute(text("update audit_event set summary = 'nothing happened' where id = 3"))
    report = project.verify_audit()
    assert not report.ok
    assert any("event 3 (add code) was changed" in p for p in report.problems)


def test_a_removed_event_is_detected(project):
    _busy(project)
    with project.engine.begin() as conn:
        conn.execute(text("delete from audit_event where id = 2"))
    assert any("event 2 is missing" in p for p in project.verify_audit().problems)


def test_a_removed_last_event_is_detected(project):
    _busy(project)
    with project.engine.begin() as conn:
        conn.execute(text("delete from audit_event where id = (select max(id) from audit_event)"))
    assert any("removed from its end" in p for p in project.verify_audit().problems)


def test_reordered_events_are_detected(project):
    _busy(project)
    with project.engine.begin() as conn:
        conn.execute(text("update audit_event set id = 100 where id = 3"))
        conn.execute(text("update audit_event set id = 3 where id = 4"))
        conn.execute(text("update audit_event set id = 4 where id = 100"))
    report = project.verify_audit()
    assert not report.ok


def test_two_writers_at_once_never_fork_the_chain(location):
    import threading

    import theorize

    theorize.create_project(location, user="lena").close()
    studies = [theorize.open_project(location, user=name) for name in ("lena", "sam")]
    errors = []

    def work(study, prefix):
        try:
            for i in range(15):
                study.add_code(f"{prefix} {i}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, s.user)) for s in studies]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    report = studies[0].verify_audit()
    assert report.ok, report.problems
    assert report.events == 31
    assert set(studies[0].audit().actor) == {"lena", "sam"}
    for s in studies:
        s.close()
