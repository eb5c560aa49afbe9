"""a run's crawling time: seconds summed over its starts, and when its latest resume began

A resumed run used to report the time from its first start to its end, idle gap included.
crawl_runs.crawl_seconds sums the time each start of the run crawled (a start that was killed
counts up to its last heartbeat); resumed_at is when the latest start began, so the time of the
start under way can be added when it ends. Runs closed before this revision get the span from
start to end, as before (a resumed one keeps its gap: nothing else is known of it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("crawl_seconds", sa.Float(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=True))
    runs = sa.table(
        "crawl_runs",
        sa.column("id", sa.Integer()),
        sa.column("started_at", sa.DateTime(timezone=True)),
        sa.column("finished_at", sa.DateTime(timezone=True)),
        sa.column("crawl_seconds", sa.Float()),
    )
    connection = op.get_bind()
    closed = connection.execute(
        sa.select(runs.c.id, runs.c.started_at, runs.c.finished_at).where(
            runs.c.finished_at.is_not(None)
        )
    ).all()
    if closed:
        connection.execute(
            runs.update().where(runs.c.id == sa.bindparam("run_id")),
            [
                {"run_id": run_id, "crawl_seconds": (finished - started).total_seconds()}
                for run_id, started, finished in closed
            ],
        )


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+ drops columns): copying the table, as batch mode would,
    # fails on SQLite while the history views of 0002 read crawl_runs.
    with op.batch_alter_table("crawl_runs", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("resumed_at")
        batch_op.drop_column("crawl_seconds")
