"""Server-side session revocation and login limits.

Reserved in the revision chain so that work on it can proceed in parallel; filled in by the
change that needs it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
