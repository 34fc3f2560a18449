"""task_message: which bot message is about which task, so replies to it report on that task

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_message_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_message")),
        sa.UniqueConstraint("chat_id", "message_id", name=op.f("uq_task_message_chat_id_message_id")),
    )
    with op.batch_alter_table("task_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_message_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_message_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_message_task_id"))
        batch_op.drop_index(batch_op.f("ix_task_message_created_at"))
    op.drop_table("task_message")
