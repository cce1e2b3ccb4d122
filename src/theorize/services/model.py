"""Services for the grounded theory model: category roles, ordered stages, properties, dimensions."""

from __future__ import annotations

from sqlalchemy import func, select

from theorize.domain.theory import CategoryRole, TheoryModel
from theorize.errors import Conflict, InvalidInput, NotFound
from theorize.services.base import new_guid
from theorize.services.codebook import CodebookMixin
from theorize.services.views import ViewsMixin
from theorize.store import schema as t


def _role(role: str) -> str:
    try:
        return CategoryRole(role).value
    except ValueError:
        raise InvalidInput(
            f"{role!r} is not a place in the model; use one of {', '.join(r.value for r in CategoryRole)}."
        ) from None


class ModelMixin(ViewsMixin, CodebookMixin):
    """Build the model: which categories are conditions, stages, consequences, the core."""

    def add_stage(self, name: str, *, position: int | None = None) -> int:
        """Add an ordered process stage (appended unless a position, 1 = first, is given)."""
        if not name.strip():
            raise InvalidInput("A stage needs a name.")
        with self._action("add stage", f"added stage {name!r}") as act:
            if act.conn.execute(select(t.model_stage.c.id).where(t.model_stage.c.name == name)).first():
                raise Conflict(f"There is already a stage called {name!r}.")
            count = act.conn.execute(select(func.count()).select_from(t.model_stage)).scalar_one()
            position = position or count + 1
            if not 1 <= position <= count + 1:
                raise InvalidInput(f"Position {position} is outside 1 to {count + 1}.")
            for row in (
                act.conn.execute(
                    select(t.model_stage)
                    .where(t.model_stage.c.position >= position)
                    .order_by(t.model_stage.c.position.desc())
                )
                .mappings()
                .all()
            ):
                act.changes.update(t.model_stage, row["id"], {"position": row["position"] + 1})
            return act.changes.insert(t.model_stage, {"position": position, "name": name, "guid": new_guid()})

    def _stage_id(self, conn, stage: int | str) -> int:
        q = select(t.model_stage.c.id)
        q = (
            q.where(t.model_stage.c.position == stage)
            if isinstance(stage, int)
            else q.where(t.model_stage.c.name == stage)
        )
        row = conn.execute(q).first()
        if row is None:
            raise NotFound(f"There is no stage {stage!r}; add it with `theorize model stage NAME`.")
        return row.id

    def place_category(self, category: int | str, role: str, *, stage: int | str | None = None) -> None:
        """Put a category in the model as a condition, stage category, consequence, core or context."""
        role = _role(role)
        if role == "stage" and stage is None:
            raise InvalidInput("A stage category needs its stage (by name or number).")
        with self._action("place category") as act:
            code = self._code_row(act.conn, category)
            stage_id = self._stage_id(act.conn, stage) if stage is not None else None
            if role == "core":
                for other in act.conn.execute(
                    select(t.category_role.c.code_id).where(t.category_role.c.role == "core")
                ):
                    if other.code_id != code["id"]:
                        raise Conflict("The model has a core category already; place that one elsewhere first.")
            act.changes.delete_link(t.category_role, {"code_id": code["id"]})
            act.changes.insert_link(t.category_role, {"code_id": code["id"], "role": role, "stage_id": stage_id})
            act.summary = f"placed {code['name']!r} in the model as {role}"

    def describe_category(self, category: int | str, *, properties=(), dimensions=()) -> None:
        """Add properties ("who advocates") and dimensions ("trust: guarded .. open") to a category."""
        with self._action("describe category") as act:
            code = self._code_row(act.conn, category)
            pos = act.conn.execute(
                select(func.count()).select_from(t.category_property).where(t.category_property.c.code_id == code["id"])
            ).scalar_one()
            for kind, items in (("property", properties), ("dimension", dimensions)):
                for text in items:
                    pos += 1
                    act.changes.insert(
                        t.category_property, {"code_id": code["id"], "kind": kind, "text": text, "position": pos}
                    )
            act.summary = f"described category {code['name']!r}"

    def model(self, snapshot: str | None = None) -> TheoryModel:
        """The model as it stands now, or as it stood in a codebook snapshot."""
        from theorize.theory.build import model_from_state

        if snapshot is not None:
            return model_from_state(self.snapshot_content(snapshot), self.study["title"])
        with self._read() as conn:
            return model_from_state(self._codebook_state(conn), self.study["title"])
