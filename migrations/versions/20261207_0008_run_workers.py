"""run workers and body leases: one run crawled by several processes and machines

run_workers holds each process that works on a run (host, pid, heartbeat, bodies settled, why
it stopped). run_bodies.lease names the batch allowed to store a body's pages and outcome, and
run_bodies.worker_id the process holding it: a batch whose lease was taken over by another
worker (its worker was presumed dead) stores nothing more for that body.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 18:00:00
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
        "run_workers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.Column("bodies_settled", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_run_workers_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_workers")),
    )
    with op.batch_alter_table("run_workers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_workers_run_id"), ["run_id"], unique=False)
    op.add_column("run_bodies", sa.Column("lease", sa.String(length=32), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in one plain ALTER TABLE (no constraint can
        # be added later, and copying run_bodies fails while the coverage view of 0006 reads it).
        op.execute(
            "ALTER TABLE run_bodies ADD COLUMN worker_id INTEGER REFERENCES run_workers (id)"
        )
    else:
        op.add_column("run_bodies", sa.Column("worker_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_run_bodies_worker_id_run_workers"),
            "run_bodies",
            "run_workers",
            ["worker_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("run_bodies", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("worker_id")
        batch_op.drop_column("lease")
    with op.batch_alter_table("run_workers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_workers_run_id"))
    op.drop_table("run_workers")
