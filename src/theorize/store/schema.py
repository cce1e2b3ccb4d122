"""The tables of a project, one schema for SQLite and PostgreSQL.

Every table is created by Alembic migrations (``store/migrations``), never by ``create_all`` on a
user's project. Offsets (``start``, ``end``) are Unicode code points into a source version's text.
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

study = Table(
    "study",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("research_question", Text, nullable=False, default=""),
    Column("method_notes", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The newest audit event's hash, kept beside the chain so that cutting events off its end shows.
    Column("audit_head", String(64), nullable=False, default=""),
    Column("audit_count", Integer, nullable=False, default=0),
)

coder = Table(
    "coder",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(200), nullable=False, default=""),
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

participant = Table(
    "participant",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pseudonym", String(200), nullable=False, unique=True),
    Column("group_name", String(200), nullable=False, default=""),
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

attribute = Table(
    "attribute",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("type", String(20), nullable=False),  # text, number, date, yes/no, category
    Column("guid", String(36), nullable=False, unique=True),
)

attribute_value = Table(
    "attribute_value",
    metadata,
    Column("participant_id", Integer, ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True),
    Column("attribute_id", Integer, ForeignKey("attribute.id", ondelete="CASCADE"), primary_key=True),
    Column("value", Text, nullable=True),
)

source = Table(
    "source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("file_format", String(20), nullable=False),
    Column("imported_sha256", String(64), nullable=False, unique=True),  # the text as first imported
    Column("current_version", Integer, nullable=False, default=1),
    Column("guid", String(36), nullable=False, unique=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

source_participant = Table(
    "source_participant",
    metadata,
    Column("source_id", Integer, ForeignKey("source.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", Integer, ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True),
)

source_version = Table(
    "source_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_id", "version", name="uq_source_version_source_id_version"),
)

segment = Table(
    "segment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_version_id", Integer, ForeignKey("source_version.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", String(200), nullable=True),
    Column("role", String(20), nullable=False),
    Column("started_at", Float, nullable=True),
    Column("ended_at", Float, nullable=True),
    Index("ix_segment_version_position", "source_version_id", "position"),
)

code = Table(
    "code",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False),
    Column("definition", Text, nullable=False, default=""),
    Column("stage", String(20), nullable=False),  # initial, focused, category, theoretical
    Column("parent_id", Integer, ForeignKey("code.id", ondelete="SET NULL"), nullable=True),
    Column("in_vivo", Boolean, nullable=False, default=False),
    Column("colour", String(9), nullable=True),
    Column("merged_into_id", Integer, ForeignKey("code.id", ondelete="SET NULL"), nullable=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # A live code's name is unique among its siblings (migration 0004); merged codes keep theirs.
    Index(
        "uq_code_live_name_top",
        "name",
        unique=True,
        sqlite_where=text("parent_id IS NULL AND merged_into_id IS NULL"),
        postgresql_where=text("parent_id IS NULL AND merged_into_id IS NULL"),
    ),
    Index(
        "uq_code_live_name_under",
        "parent_id",
        "name",
        unique=True,
        sqlite_where=text("merged_into_id IS NULL"),
        postgresql_where=text("merged_into_id IS NULL"),
    ),
)

code_lineage = Table(
    "code_lineage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("origin_code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # merged, split, promoted, renamed
    Column("detail", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
)

coding = Table(
    "coding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    Column("source_version", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("coder_id", Integer, ForeignKey("coder.id"), nullable=False),
    Column("origin", String(20), nullable=False, default="human"),  # human, machine
    Column("model_id", String(200), nullable=True),
    Column("confidence", Float, nullable=True),
    Column("status", String(20), nullable=False, default="accepted"),  # pending, accepted, rejected
    Column("review", String(20), nullable=True),  # None, changed, orphaned (after a text edit)
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The REFI-QDA selection this coding is exported in (codings of one span share it): random, and
    # kept from an import, so that no two projects' exports share selection GUIDs (migration 0005).
    Column("selection_guid", String(36), nullable=False, default=lambda: str(uuid.uuid4())),
    Index("ix_coding_source", "source_id", "start"),
    Index("ix_coding_code", "code_id"),
    Index("ix_coding_selection_guid", "selection_guid"),
    # Coding numbers are shown and cited: never handed out twice, even after the newest is removed
    # (migration 0004; PostgreSQL's sequences never reuse).
    sqlite_autoincrement=True,
)

memo = Table(
    "memo",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(500), nullable=False),
    Column("type", String(20), nullable=False),  # code, theoretical, reflexive, sampling
    Column("body", Text, nullable=False, default=""),
    Column("author_id", Integer, ForeignKey("coder.id"), nullable=False),
    Column("written_on", DateTime(timezone=True), nullable=False),
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

memo_link = Table(
    "memo_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("memo_id", Integer, ForeignKey("memo.id", ondelete="CASCADE"), nullable=False),
    Column("target_type", String(20), nullable=False),  # code, source, coding, memo
    Column("target_id", Integer, nullable=False),
    UniqueConstraint("memo_id", "target_type", "target_id", name="uq_memo_link_target"),
)

relation_type = Table(
    "relation_type",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("builtin", Boolean, nullable=False, default=False),
)

relation = Table(
    "relation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("target_code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("type_id", Integer, ForeignKey("relation_type.id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

snapshot = Table(
    "snapshot",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("content", Text, nullable=False),  # JSON: the codebook and the model at that moment
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(80), nullable=False),
    Column("summary", Text, nullable=False),
    Column("changes", Text, nullable=False),  # JSON list of row changes: the before and after
    Column("undoes", Integer, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # 1: the hash covers the change images as written; 2 (migration 0009): a digest of each image
    # value, so an identified value can be replaced by its digest (store/audit.py, sealed_changes)
    Column("hash_version", Integer, nullable=False, server_default=text("1")),
)

# Tables whose rows the audit chain records one by one. Order matters for undo of inserts:
# children are removed before parents.
AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}

# -- the grounded theory model (migration 0002) ---------------------------------------------------
model_stage = Table(
    "model_stage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", String(300), nullable=False, unique=True),
    Column("guid", String(36), nullable=False, unique=True),
)

category_role = Table(
    "category_role",
    metadata,
    Column("code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),  # condition, stage, consequence, core, context
    Column("stage_id", Integer, ForeignKey("model_stage.id", ondelete="SET NULL"), nullable=True),
)

category_property = Table(
    "category_property",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_id", Integer, ForeignKey("code.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # property, dimension
    Column("text", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

# -- the project's interviewers, remembered across imports (migration 0010) -------------------------
interviewer = Table(
    "interviewer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),  # a speaker label, as first written
    Column("remembered_at", DateTime(timezone=True), nullable=False),
)

AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}

# -- what a REFI-QDA import brings that theorize keeps without modelling it (migration 0003) ----------
exchange_kept = Table(
    "exchange_kept",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # set, graph, link, variable, selection, note-targets
    Column("guid", String(36), nullable=False, unique=True),
    Column("content", Text, nullable=False),  # JSON
)

# The REFI-QDA selection a coding came in with (migration 0003). Since 0005 the selection GUID lives
# in coding.selection_guid; this table is no longer written, and stays so older audit events undo.
coding_selection = Table(
    "coding_selection",
    metadata,
    Column("coding_id", Integer, ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True),
    Column("selection_guid", String(36), nullable=False, index=True),
)

AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}

# -- machine help (migration 0006) ------------------------------------------------------------------
# A passage's vector, per text version: a cache derived from the text and a pinned model, so it is
# written outside the audit chain (see services/assist.py). A new text version has none until its
# units are embedded; units whose words did not change reuse their vectors (same model, same hash).
unit_embedding = Table(
    "unit_embedding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_version_id", Integer, ForeignKey("source_version.id", ondelete="CASCADE"), nullable=False),
    Column("unit", String(10), nullable=False),  # sentence, turn
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("model_id", String(200), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, little-endian
    Index("ix_unit_embedding_version_model", "source_version_id", "model_id"),
    Index("ix_unit_embedding_model_text", "model_id", "text_sha256"),
    info={"audited": False},  # `audit verify --deep` does not compare it with the trail
)

# What a local language model was asked and answered (audited: the row is in the chain).
machine_exchange = Table(
    "machine_exchange",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("task", String(40), nullable=False),  # gerund labels, memo draft
    Column("model_id", String(200), nullable=False),
    Column("prompt", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("kept", Text, nullable=False),  # JSON: what was shown to the researcher
    Column("quotes_dropped", Integer, nullable=False, default=0),
    Column("guid", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}

# -- de-identification (migration 0009): where identifying words are, never the words themselves ------
deid_entity = Table(
    "deid_entity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(20), nullable=False),  # person, place, organisation, date, ...
    Column("label", String(200), nullable=False, unique=True),  # the replacement: "[Judge A]", "[Town 1]"
    Column("created_at", DateTime(timezone=True), nullable=False),
)

deid_finding = Table(
    "deid_finding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("source.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),  # the text version the offsets are in
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("type", String(20), nullable=False),
    Column("score", Float, nullable=False),
    Column("recogniser", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # pending, accepted, rejected, applied
    Column("entity_id", Integer, ForeignKey("deid_entity.id", ondelete="SET NULL"), nullable=True),
    Column("decided_by", String(200), nullable=True),
)

# The researcher's lists: deny (names and places to always find) and allow (words that look like
# names and are not). Deny terms move into the vault when they are applied.
deid_term = Table(
    "deid_term",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list", String(10), nullable=False),  # deny, allow
    Column("type", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The anonymisation log: what type was replaced where (offsets in the new version), by whom, when.
deid_replacement = Table(
    "deid_replacement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("source.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("type", String(20), nullable=False),
    Column("label", String(200), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}

# -- property and dimension values on codings (migration 0008) ----------------------------------------
# A coding of a category speaks to one of its properties ("who holds power over liberty": value "")
# or places the passage on a dimension ("perceived surveillance: total .. bounded": value "total").
coding_property = Table(
    "coding_property",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("coding_id", Integer, ForeignKey("coding.id", ondelete="CASCADE"), nullable=False),
    Column("property_id", Integer, ForeignKey("category_property.id", ondelete="CASCADE"), nullable=False),
    Column("value", Text, nullable=False, default=""),
    UniqueConstraint("coding_id", "property_id", name="uq_coding_property_coding_id_property_id"),
    Index("ix_coding_property_property", "property_id"),
)

AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}

# -- a coding team on one server (migration 0007) -------------------------------------------------------
# A person who may sign in to the workbench, and their role. Audited: adding people, changing roles
# and removing people are actions in the trail. The password hash lives apart (account_secret).
account = Table(
    "account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(10), nullable=False),  # owner, coder, viewer
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)

# The Argon2id hash and the sign-in bookkeeping: kept out of the audit chain (no hash in any image).
account_secret = Table(
    "account_secret",
    metadata,
    Column("account_id", Integer, ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("epoch", Integer, nullable=False, default=0),  # bumped when the password changes: old sessions end
    Column("failed", Integer, nullable=False, default=0),  # failed sign-ins in a row
    Column("wait_until", DateTime(timezone=True), nullable=True),
    info={"audited": False},
)

# The key that signs session and CSRF cookies, shared by every worker of a server (not audited).
server_key = Table(
    "server_key",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("purpose", String(20), nullable=False, unique=True),
    Column("value", String(128), nullable=False),
    info={"audited": False},
)

# A blind coding round: these sources, these coders, this codebook (frozen or open).
coding_round = Table(
    "coding_round",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("sources", Text, nullable=False),  # JSON list of source ids
    Column("coders", Text, nullable=False),  # JSON list of names
    Column("codebook", String(10), nullable=False),  # frozen, open
    Column("opened_by", String(200), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("results", Text, nullable=True),  # JSON: agreement per code when closed
)

AUDITED = {t.name: t for t in metadata.sorted_tables if t.name != "audit_event"}
