"""workflow_request: completion reviews and extension requests; assignment.extended_to and 签收;
task_report_rule; urge (催办 and its 收到); attachment (佐证材料)

Shares already there are not announced for 签收 (receipt stays NULL); new ones start "pending".

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workflow_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_workflow_request_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["person.id"],
            name=op.f("fk_workflow_request_decided_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_workflow_request_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_workflow_request_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_request")),
    )
    with op.batch_alter_table("workflow_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_request_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_workflow_request_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_workflow_request_task_id"), ["task_id"], unique=False)
    op.create_table(
        "urge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("urged_by", sa.String(length=200), nullable=False),
        sa.Column("urged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_urge_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_urge_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urge")),
    )
    with op.batch_alter_table("urge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_urge_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_urge_task_id"), ["task_id"], unique=False)
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("unit_chat_id", sa.Integer(), nullable=True),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_unique_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_attachment_person_id_person"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_attachment_report_id_report"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_attachment_task_id_task"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_chat_id"], ["chat.id"], name=op.f("fk_attachment_unit_chat_id_chat"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_task_id"), ["task_id"], unique=False)
    op.create_table(
        "task_report_rule",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_report_rule_task_id_task"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_task_report_rule")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extended_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("receipt", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signed_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Approved extensions are lost with the column; completions already counted keep their label.
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_column("signed_by")
        batch_op.drop_column("signed_at")
        batch_op.drop_column("receipt")
        batch_op.drop_column("extended_to")
    op.drop_table("task_report_rule")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_task_id"))
    op.drop_table("attachment")
    with op.batch_alter_table("urge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urge_task_id"))
        batch_op.drop_index(batch_op.f("ix_urge_assignment_id"))
    op.drop_table("urge")
    with op.batch_alter_table("workflow_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_request_task_id"))
        batch_op.drop_index(batch_op.f("ix_workflow_request_state"))
        batch_op.drop_index(batch_op.f("ix_workflow_request_assignment_id"))
    op.drop_table("workflow_request")
