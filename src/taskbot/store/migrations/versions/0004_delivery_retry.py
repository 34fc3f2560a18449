"""delivery retries and claim owners

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_error_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim_pid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claim_backend_start", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("claim_backend_start")
        batch_op.drop_column("claim_pid")
        batch_op.drop_column("first_error_at")
        batch_op.drop_column("next_attempt_at")
