"""Job control (cancel, rerun, callbacks), PDF documents and the audit log.

Reserved in the revision chain so that work on it can proceed in parallel; filled in by the
change that needs it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
