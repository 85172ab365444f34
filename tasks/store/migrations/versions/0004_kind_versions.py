"""Report-kind versions (shipped folders and uploaded bundles) and the version each job pins.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kind_versions",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_key", sa.String(length=255), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("slug", "sha256"),
    )
    op.create_index(op.f("ix_kind_versions_activated_at"), "kind_versions", ["activated_at"],
                    unique=False)
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("kind_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("kind_sha256")
    op.drop_index(op.f("ix_kind_versions_activated_at"), table_name="kind_versions")
    op.drop_table("kind_versions")
