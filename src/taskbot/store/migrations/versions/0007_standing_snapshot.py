"""standing_snapshot: each unit's standings (and every task's) at each fortnightly 通报, for trends

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "standing_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("on_track", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("blocked", sa.Integer(), nullable=False),
        sa.Column("silent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_snapshot")),
        sa.UniqueConstraint("taken_at", "scope", name=op.f("uq_standing_snapshot_taken_at_scope")),
    )
    with op.batch_alter_table("standing_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standing_snapshot_taken_at"), ["taken_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("standing_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_snapshot_taken_at"))
    op.drop_table("standing_snapshot")
