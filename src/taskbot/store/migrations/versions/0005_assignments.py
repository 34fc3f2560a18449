"""assignment: each unit's share of a task; roles on task_party; the unit of a history entry;
reply_note: replies to a reminder that named no task, and files sent as replies

Every task gets one assignment per chat that receives it (the chat it was sent to, else every chat
bound to one of its parties, active or not), with the task's current status, progress and last
report; a done task's assignments count as completed when it was last updated.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("last_report_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_report_text", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completion", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chat.id"], name=op.f("fk_assignment_chat_id_chat"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_assignment_party_id_party"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_assignment_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        sa.UniqueConstraint("task_id", "chat_id", name=op.f("uq_assignment_task_id_chat_id")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_task_id"), ["task_id"], unique=False)
    with op.batch_alter_table("task_party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=10), server_default="lead", nullable=False))
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_chat_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_report_unit_chat_id_chat"), "chat", ["unit_chat_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "reply_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("file_id", sa.String(length=255), nullable=True),
        sa.Column("file_kind", sa.String(length=20), nullable=True),
        sa.Column("task_ids", sa.JSON(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_reply_note_person_id_person"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_reply_note_task_id_task"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_note")),
    )
    with op.batch_alter_table("reply_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_note_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reply_note_created_at"), ["created_at"], unique=False)
    _fill_assignments()


def _fill_assignments() -> None:
    """One assignment per (task, receiving chat), carrying the task's standing as it is now."""
    conn = op.get_bind()
    wanted = sa.text(
        """
        SELECT t.id AS task_id, t.chat_id AS chat_id, NULL AS party_id, 0 AS party_order, 0 AS bind_order
          FROM task t WHERE t.chat_id IS NOT NULL
        UNION ALL
        SELECT t.id, b.chat_id, tp.party_id, tp.party_id, b.id
          FROM task t
          JOIN task_party tp ON tp.task_id = t.id
          JOIN binding b ON b.party_id = tp.party_id AND b.chat_id IS NOT NULL
         WHERE t.chat_id IS NULL
        ORDER BY 1, 4, 5
        """
    )
    tasks = {
        row.id: row
        for row in conn.execute(sa.text("SELECT id, status, progress, last_report_at, updated_at FROM task"))
    }
    seen: set[tuple[int, int]] = set()
    rows = []
    for task_id, chat_id, party_id, _order, _bind in conn.execute(wanted):
        if (task_id, chat_id) in seen:
            continue
        seen.add((task_id, chat_id))
        task = tasks[task_id]
        done = task.status == "done"
        rows.append(
            {
                "task_id": task_id,
                "chat_id": chat_id,
                "party_id": party_id,
                "role": "lead",
                # A cancelled task keeps its shares as they were: open (closing is the office's act).
                "status": "open" if task.status == "cancelled" else task.status,
                "progress": task.progress or 0,
                "last_report_at": task.last_report_at,
                "last_report_text": "",
                "completed_at": task.updated_at if done else None,
                "completion": None,
            }
        )
    if rows:
        table = sa.table(
            "assignment",
            *(
                sa.column(name)
                for name in (
                    "task_id",
                    "chat_id",
                    "party_id",
                    "role",
                    "status",
                    "progress",
                    "last_report_at",
                    "last_report_text",
                    "completed_at",
                    "completion",
                )
            ),
        )
        conn.execute(sa.insert(table), rows)


def downgrade() -> None:
    # Each task keeps the standing derived from its assignments (written on every change).
    with op.batch_alter_table("reply_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_note_created_at"))
        batch_op.drop_index(batch_op.f("ix_reply_note_chat_id"))
    op.drop_table("reply_note")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_unit_chat_id_chat"), type_="foreignkey")
        batch_op.drop_column("unit_chat_id")
    with op.batch_alter_table("task_party", schema=None) as batch_op:
        batch_op.drop_column("role")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_task_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_chat_id"))
    op.drop_table("assignment")
