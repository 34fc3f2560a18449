"""report_period: the report ledger ((assignment, reporting period) → the report that satisfied it)

Reports made before this revision are not in the ledger: a unit that reported in the current
period before the upgrade may be reminded once more for it.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_report_period_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_period_report_id_report"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_period")),
        sa.UniqueConstraint(
            "assignment_id", "period_end", name=op.f("uq_report_period_assignment_id_period_end")
        ),
    )
    with op.batch_alter_table("report_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_period_assignment_id"), ["assignment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_period_assignment_id"))
    op.drop_table("report_period")
