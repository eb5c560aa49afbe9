"""run_bodies: the bodies each run is to crawl, in seed-file order

A run recorded only how many bodies it covered (crawl_runs.bodies_total), so the crawl had to
keep the whole parsed seed list in memory to know which bodies to visit, and a resumed run had to
parse the file again. Now the run's bodies and their seed URLs are stored when it starts; the
crawl reads them in pages of rows, so its memory no longer grows with the length of the list.
Runs started before this revision have no rows; resuming one of them adds them then.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "run_bodies",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_run_bodies_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_run_bodies_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "position", name=op.f("pk_run_bodies")),
        sa.UniqueConstraint("run_id", "body_id", name=op.f("uq_run_bodies_run_id_body_id")),
    )
    with op.batch_alter_table("run_bodies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_bodies_body_id"), ["body_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("run_bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_bodies_body_id"))
    op.drop_table("run_bodies")
