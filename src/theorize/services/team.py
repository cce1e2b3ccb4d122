"""A coding team on one server: people who sign in, their roles, and blind coding rounds.

Adding a person, changing a role, removing a person, changing a password and opening or closing a
round are actions in the audit trail (the person acting is named there). Password hashes
(Argon2id) and sign-in bookkeeping live in ``account_secret``, which the trail never records.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import exc, func, insert, select, update

from theorize.errors import BackendUnavailable, Busy, Conflict, Forbidden, InvalidInput, NotFound
from theorize.services.agreement import AgreementMixin
from theorize.services.base import now
from theorize.services.workbench import WorkbenchMixin
from theorize.store import schema as t

ROLES = ("owner", "coder", "viewer")
CODEBOOK_IN_ROUND = ("open", "frozen")
#: Failed sign-ins in a row before a wait; the wait doubles with each further failure, up to a cap.
FREE_FAILURES = 2
LONGEST_WAIT = 300


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:
        raise BackendUnavailable(
            "Accounts need the argon2-cffi package to keep passwords.", hint="install_team"
        ) from None

    return PasswordHasher()  # Argon2id with the library's current parameters


def new_password() -> str:
    """A one-time password a person can type: four groups of four letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def wait_after(failed: int) -> int:
    """Seconds to wait after ``failed`` failed sign-ins in a row: none at first, then 2, 4, 8 ..."""
    return 0 if failed <= FREE_FAILURES else min(2 ** (failed - FREE_FAILURES), LONGEST_WAIT)


class TeamMixin(AgreementMixin, WorkbenchMixin):
    """People, roles and blind coding rounds (needs the ``_action``/``_read`` of ProjectBase)."""

    # -- people -----------------------------------------------------------------------------------
    def has_accounts(self) -> bool:
        """Whether anyone can sign in (then the workbench asks everyone to)."""
        with self._read() as conn:
            return conn.execute(select(t.account.c.id).limit(1)).first() is not None

    def users(self) -> list[dict]:
        """The people on the team: name, role, created_at, disabled (removed people stay named)."""
        with self._read() as conn:
            rows = (
                conn.execute(
                    select(
                        t.account.c.name, t.account.c.role, t.account.c.created_at, t.account.c.disabled_at
                    ).order_by(t.account.c.id)
                )
                .mappings()
                .all()
            )
        return [
            {
                "name": r["name"],
                "role": r["role"],
                "created_at": r["created_at"],
                "disabled": r["disabled_at"] is not None,
            }
            for r in rows
        ]

    def add_user(self, name: str, *, role: str = "coder") -> tuple[str, str]:
        """Add a person who may sign in; returns (role, one-time password). The first person added
        is an owner whatever the role asked, so that someone can manage the team.

        Examples:
            >>> role, password = study.add_user("Sam Okoye", role="coder")  # doctest: +SKIP
        """
        name = (name or "").strip()
        if not name:
            raise InvalidInput("A person needs a name.")
        _check_role(role)
        password = new_password()
        digest = _hasher().hash(password)
        with self._action("add user", "") as act:
            conn = act.conn
            first = conn.execute(select(t.account.c.id).limit(1)).first() is None
            role = "owner" if first else role
            if conn.execute(select(t.account.c.id).where(t.account.c.name == name)).first():
                raise Conflict(f"There is already a person called {name!r} on the team.")
            if not first:
                self._require_owner(conn)
            stamp = now()
            account_id = act.changes.insert(
                t.account,
                {"name": name, "role": role, "created_at": stamp, "password_changed_at": stamp, "disabled_at": None},
            )
            conn.execute(
                insert(t.account_secret).values(
                    account_id=account_id, password_hash=digest, epoch=0, failed=0, wait_until=None
                )
            )
            act.summary = f"added {name!r} to the team as {role}"
        return role, password

    def set_role(self, name: str, role: str) -> None:
        """Give a person another role (owner, coder, viewer)."""
        _check_role(role)
        with self._action("change role", f"made {name!r} {role}") as act:
            self._require_owner(act.conn)
            row = self._account_row(act.conn, name)
            if row["role"] == "owner" and role != "owner":
                self._keep_an_owner(act.conn, name)
            act.changes.update(t.account, row["id"], {"role": role})

    def remove_user(self, name: str) -> None:
        """Stop a person from signing in; their name stays on what they did."""
        with self._action("remove user", f"removed {name!r} from the team") as act:
            self._require_owner(act.conn)
            row = self._account_row(act.conn, name)
            if row["role"] == "owner":
                self._keep_an_owner(act.conn, name)
            act.changes.update(t.account, row["id"], {"disabled_at": now()})
            act.conn.execute(
                update(t.account_secret)
                .where(t.account_secret.c.account_id == row["id"])
                .values(epoch=t.account_secret.c.epoch + 1)
            )

    def reset_password(self, name: str) -> str:
        """A new one-time password for a person (an owner's action); their sessions end."""
        password = new_password()
        digest = _hasher().hash(password)
        with self._action("reset password", f"gave {name!r} a new one-time password") as act:
            self._require_owner(act.conn)
            row = self._account_row(act.conn, name)
            self._store_password(act, row["id"], digest)
        return password

    def change_password(self, name: str, old: str, new: str) -> None:
        """A person changes their own password (at least 10 characters); their other sessions end."""
        if len(new or "") < 10:
            raise InvalidInput("A password needs at least 10 characters.")
        row = self._verified(name, old)
        digest = _hasher().hash(new)
        with self._action("change password", f"{name!r} changed their password") as act:
            self._store_password(act, row["id"], digest)

    def sign_in(self, name: str, password: str) -> dict:
        """Check a password; returns the person (id, name, role, epoch). A wrong one counts toward a
        growing wait for that person; while it lasts, sign-in is refused with :class:`Busy`."""
        return self._verified(name, password)

    def signed_in(self, account_id: int, epoch: int) -> dict | None:
        """The person behind a session (name, role), or None when removed or their password changed."""
        with self._read() as conn:
            row = (
                conn.execute(
                    select(t.account.c.name, t.account.c.role, t.account.c.disabled_at, t.account_secret.c.epoch)
                    .join(t.account_secret, t.account_secret.c.account_id == t.account.c.id)
                    .where(t.account.c.id == account_id)
                )
                .mappings()
                .first()
            )
        if row is None or row["disabled_at"] is not None or row["epoch"] != epoch:
            return None
        return {"name": row["name"], "role": row["role"]}

    def server_key(self, purpose: str = "cookies") -> str:
        """The random key every worker of a server signs cookies with (made on first use)."""
        with self._read() as conn:
            value = conn.execute(select(t.server_key.c.value).where(t.server_key.c.purpose == purpose)).scalar()
        if value:
            return value
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t.server_key).values(purpose=purpose, value=secrets.token_hex(32)))
        except exc.IntegrityError:  # another worker made it first
            pass
        with self._read() as conn:
            return conn.execute(select(t.server_key.c.value).where(t.server_key.c.purpose == purpose)).scalar_one()

    # -- blind coding rounds ------------------------------------------------------------------------
    def open_round(self, name: str, *, sources: list, coders: list[str], codebook: str = "open") -> int:
        """Open a blind coding round: in it, each of ``coders`` sees only their own codings on
        ``sources`` (in every page and in the JSON API) until the round is closed.

        Examples:
            >>> study.open_round("R1", sources=["C01.docx"], coders=["Sam", "Ana"])  # doctest: +SKIP
        """
        if codebook not in CODEBOOK_IN_ROUND:
            raise InvalidInput(f"The codebook in a round is 'open' or 'frozen', not {codebook!r}.")
        coders = sorted({c.strip() for c in coders if c and c.strip()})
        if len(coders) < 2:
            raise InvalidInput("A blind round needs at least two coders.")
        with self._action("open round", f"opened the blind round {name!r}") as act:
            self._require_owner(act.conn)
            ids = sorted({self._source_row(act.conn, s)["id"] for s in sources})
            if not ids:
                raise InvalidInput("A blind round needs at least one source.")
            if act.conn.execute(select(t.coding_round.c.id).where(t.coding_round.c.name == name)).first():
                raise Conflict(f"There is already a round called {name!r}.")
            return act.changes.insert(
                t.coding_round,
                {
                    "name": name,
                    "sources": json.dumps(ids),
                    "coders": json.dumps(coders),
                    "codebook": codebook,
                    "opened_by": self.actor,
                    "opened_at": now(),
                    "closed_at": None,
                    "results": None,
                },
            )

    def close_round(self, name: str) -> dict:
        """Close a round: everyone sees all codings again; agreement per code is kept with the round."""
        row = self._round_row(name)
        if row["closed_at"] is not None:
            raise Conflict(f"The round {name!r} is closed already.")
        results = self._round_agreement(row)
        with self._action("close round", f"closed the blind round {name!r}") as act:
            self._require_owner(act.conn)
            act.changes.update(t.coding_round, row["id"], {"closed_at": now(), "results": json.dumps(results)})
        return results

    def rounds(self) -> list[dict]:
        """Every round, open or closed, with its sources, coders and (when closed) agreement per code."""
        with self._read() as conn:
            rows = conn.execute(select(t.coding_round).order_by(t.coding_round.c.id)).mappings().all()
        return [_round(r) for r in rows]

    def blind_sources(self, viewer: str) -> set[int]:
        """The sources on which ``viewer`` is in an open round (they see only their own codings there)."""
        out: set[int] = set()
        with self._read() as conn:
            rows = conn.execute(
                select(t.coding_round.c.sources, t.coding_round.c.coders).where(t.coding_round.c.closed_at.is_(None))
            ).all()
        for sources, coders in rows:
            if viewer in json.loads(coders):
                out.update(json.loads(sources))
        return out

    def in_open_round(self, viewer: str) -> bool:
        return bool(self.blind_sources(viewer))

    def overview_for(self, viewer: str, *, recent: int = 12) -> dict:
        """:meth:`overview` as ``viewer`` may see it: in an open round, the round's sources count
        their codings only, and the newest actions are theirs only."""
        view = self.overview(recent=recent)
        blind = self.blind_sources(viewer)
        if not blind:
            return view
        from theorize.services.workbench import _covered

        view["recent"] = [e for e in view["recent"] if e["actor"] == viewer]
        with self._read() as conn:
            rows = conn.execute(
                select(t.coding.c.source_id, t.coding.c.start, t.coding.c.end)
                .join(t.coder, t.coder.c.id == t.coding.c.coder_id)
                .where(t.coder.c.name == viewer, t.coding.c.status == "accepted", t.coding.c.source_id.in_(blind))
            ).all()
        for s in view["sources"]:
            if s["id"] in blind:
                spans = [(r.start, r.end) for r in rows if r.source_id == s["id"]]
                s["codings"] = len(spans)
                s["coded_share"] = _covered(spans) / s["characters"] if s["characters"] else 0.0
        return view

    def transcript_for(self, source: int | str, viewer: str, unit: str = "sentence"):
        """:meth:`transcript` as ``viewer`` may see it: in an open round, their own codings only."""
        tr = self.transcript(source, unit)
        if tr.source_id in self.blind_sources(viewer):
            tr.codings = [c for c in tr.codings if c["coder"] == viewer]
        return tr

    def coding_for(self, coding_id: int, viewer: str, **kwargs) -> dict:
        """:meth:`coding` unless it is another coder's coding on a source blind to ``viewer``."""
        c = self.coding(coding_id, **kwargs)
        if c["coder"] != viewer and c["source_id"] in self.blind_sources(viewer):
            raise NotFound(f"There is no coding {coding_id}.", hint="list_codings")
        return c

    # -- live updates -------------------------------------------------------------------------------
    def events_after(self, after: int | None, *, limit: int = 200) -> tuple[int, list[dict]]:
        """The audit events newer than event ``after`` (id, actor, action, summary), and the newest
        id; with ``after`` None, none and the newest id (where a live feed starts)."""
        with self._read() as conn:
            if after is None:
                return conn.execute(select(func.coalesce(func.max(t.audit_event.c.id), 0))).scalar_one(), []
            rows = (
                conn.execute(
                    select(t.audit_event.c.id, t.audit_event.c.actor, t.audit_event.c.action, t.audit_event.c.summary)
                    .where(t.audit_event.c.id > after)
                    .order_by(t.audit_event.c.id)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        events = [dict(r) for r in rows]
        return (events[-1]["id"] if events else after), events

    # -- inside ------------------------------------------------------------------------------------
    def _require_owner(self, conn) -> None:
        """On a project with accounts, team actions are an owner's (the CLI on the server acts as
        the project's user, who must then be an owner)."""
        if conn.execute(select(t.account.c.id).limit(1)).first() is None:
            return
        row = conn.execute(
            select(t.account.c.role, t.account.c.disabled_at).where(t.account.c.name == self.actor)
        ).first()
        if row is None or row.disabled_at is not None or row.role != "owner":
            raise Forbidden(f"Only an owner may do this; {self.actor} is not an owner of this project.")

    def _keep_an_owner(self, conn, name: str) -> None:
        owners = conn.execute(
            select(func.count())
            .select_from(t.account)
            .where(t.account.c.role == "owner", t.account.c.disabled_at.is_(None), t.account.c.name != name)
        ).scalar()
        if not owners:
            raise Conflict(f"{name} is the last owner; make someone else an owner first.")

    def _account_row(self, conn, name: str):
        row = conn.execute(select(t.account).where(t.account.c.name == name)).mappings().first()
        if row is None:
            raise NotFound(f"There is no person called {name!r} on the team.", hint="list_users")
        return row

    def _store_password(self, act, account_id: int, digest: str) -> None:
        act.changes.update(t.account, account_id, {"password_changed_at": now()})
        act.conn.execute(
            update(t.account_secret)
            .where(t.account_secret.c.account_id == account_id)
            .values(password_hash=digest, epoch=t.account_secret.c.epoch + 1, failed=0, wait_until=None)
        )

    def _verified(self, name: str, password: str) -> dict:
        hasher = _hasher()
        from argon2.exceptions import InvalidHashError, VerificationError

        refused = "That name and password do not match a person on this team."
        with self._read() as conn:
            row = (
                conn.execute(
                    select(
                        t.account.c.id,
                        t.account.c.name,
                        t.account.c.role,
                        t.account.c.disabled_at,
                        t.account_secret.c.password_hash,
                        t.account_secret.c.epoch,
                        t.account_secret.c.failed,
                        t.account_secret.c.wait_until,
                    )
                    .join(t.account_secret, t.account_secret.c.account_id == t.account.c.id)
                    .where(t.account.c.name == (name or "").strip())
                )
                .mappings()
                .first()
            )
        if row is None or row["disabled_at"] is not None:
            hasher.hash(password or "x")  # the same time as a wrong password: names do not leak
            raise Forbidden(refused)
        stamp = now()
        until = row["wait_until"]
        if until is not None and until.tzinfo is None:
            until = until.replace(tzinfo=stamp.tzinfo)
        if until is not None and until > stamp:
            raise Busy(
                f"Too many failed sign-ins for {row['name']}; wait {int((until - stamp).total_seconds()) + 1} s "
                "and try again."
            )
        try:
            hasher.verify(row["password_hash"], password or "")
            ok = True
        except (VerificationError, InvalidHashError):
            ok = False
        failed = 0 if ok else row["failed"] + 1
        wait = wait_after(failed)
        with self.engine.begin() as conn:  # bookkeeping outside the trail
            conn.execute(
                update(t.account_secret)
                .where(t.account_secret.c.account_id == row["id"])
                .values(failed=failed, wait_until=stamp + timedelta(seconds=wait) if wait else None)
            )
        if not ok:
            raise Forbidden(refused)
        return {"id": row["id"], "name": row["name"], "role": row["role"], "epoch": row["epoch"]}

    def _round_row(self, name: str):
        with self._read() as conn:
            row = conn.execute(select(t.coding_round).where(t.coding_round.c.name == name)).mappings().first()
        if row is None:
            raise NotFound(f"There is no round called {name!r}.")
        return row

    def _round_agreement(self, row) -> dict[str, Any]:
        """Agreement per code among the round's coders on its sources (a sentence when there is none)."""
        try:
            report = self.agreement(
                coders=json.loads(row["coders"]), sources=json.loads(row["sources"]), unit="sentence", resamples=200
            )
        except InvalidInput as error:
            return {"note": error.fact, "codes": []}
        codes = [
            {
                "code": r["code"],
                "percent_agreement": _num(r.get("percent_agreement")),
                "alpha": _num(r.get("alpha")),
                "kappa": _num(r.get("kappa")),
            }
            for r in report.table.to_dict("records")
        ]
        return {"note": "", "codes": codes, "overall_alpha": _num(report.overall.get("alpha"))}


def _num(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else round(value, 4)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"A role is owner, coder or viewer, not {role!r}.")


def _round(r) -> dict:
    return {
        "id": r["id"],
        "name": r["name"],
        "sources": json.loads(r["sources"]),
        "coders": json.loads(r["coders"]),
        "codebook": r["codebook"],
        "opened_by": r["opened_by"],
        "opened_at": r["opened_at"],
        "closed_at": r["closed_at"],
        "results": json.loads(r["results"]) if r["results"] else None,
    }
