"""social_links and tracker_sightings indexed by run and body, in place of by run alone

The history views ask, for each visit of a run, whether the body has an account or a tracker in
that run (run_summary, and the report's figures per Land and kind built on it). With an index on
run_id alone, SQLite's planner walked every sighting of the run for each visit: for a national
run (11,000 bodies, 165,000 account sightings) run_summary took minutes. An index on (run_id,
body_id) finds one body's sightings of one run directly and also serves lookups by run alone,
so it replaces the run_id index rather than adding a third (as the rendered tier's tables do).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("social_links", "tracker_sightings")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_run_id_body_id", table, ["run_id", "body_id"])
        op.drop_index(f"ix_{table}_run_id", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_run_id", table, ["run_id"])
        op.drop_index(f"ix_{table}_run_id_body_id", table_name=table)
