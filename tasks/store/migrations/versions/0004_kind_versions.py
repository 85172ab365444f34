"""Report-kind bundles as versions and explicit template activation.

Reserved in the revision chain so that work on it can proceed in parallel; filled in by the
change that needs it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
