"""A coding team on one server: people who sign in and their roles (rounds are in ``rounds.py``).

Adding a person, changing a role, removing a person, changing a password and opening or closing a
round are actions in the audit trail (the person acting is named there). Password hashes
(Argon2id) and sign-in bookkeeping live in ``account_secret``, which the trail never records.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import exc, func, insert, select, update

from theorize.errors import BackendUnavailable, Busy, Conflict, Forbidden, InvalidInput, NotFound
from theorize.services.base import ProjectBase, now
from theorize.store import schema as t

ROLES = ("owner", "coder", "viewer")
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


class TeamMixin(ProjectBase):
    """People and roles; blind coding rounds are :class:`~theorize.services.rounds.RoundsMixin`."""

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


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"A role is owner, coder or viewer, not {role!r}.")
