"""run coverage: bodies listed without a website, and the run_coverage view

A seed list built by `govsocial seeds build` names every unit, also those whose website nobody
knows; `crawl --skip-missing-urls` passes them over. They are now kept per run
(run_bodies_without_site), so run_coverage can state, per run, Land and kind, how many bodies
were listed, how many had a website and how many were reached: the denominators that keep a
share from being computed over sites nobody observed. Plain SQL that SQLite and PostgreSQL both
run, frozen here like the views of 0002 and 0005.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_COVERAGE = """
SELECT listed.run_id AS run_id,
       b.state AS state,
       b.kind AS kind,
       COUNT(*) AS bodies_listed,
       SUM(listed.has_site) AS bodies_with_website,
       COUNT(CASE WHEN bv.reachable THEN 1 END) AS bodies_reached,
       ROUND(100.0 * SUM(listed.has_site) / COUNT(*), 1) AS website_percent,
       ROUND(100.0 * COUNT(CASE WHEN bv.reachable THEN 1 END) / COUNT(*), 1) AS reached_percent
FROM (
    SELECT run_id, body_id, 1 AS has_site FROM run_bodies
    UNION ALL
    SELECT run_id, body_id, 0 AS has_site FROM run_bodies_without_site
) listed
JOIN bodies b ON b.id = listed.body_id
LEFT JOIN body_visits bv ON bv.run_id = listed.run_id AND bv.body_id = listed.body_id
GROUP BY listed.run_id, b.state, b.kind
"""


def upgrade() -> None:
    op.create_table(
        "run_bodies_without_site",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_run_bodies_without_site_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_run_bodies_without_site_run_id_crawl_runs"),
        ),
        sa.PrimaryKeyConstraint("run_id", "body_id", name=op.f("pk_run_bodies_without_site")),
    )
    op.execute(f"CREATE VIEW run_coverage AS {RUN_COVERAGE.strip()}")


def downgrade() -> None:
    op.execute("DROP VIEW run_coverage")
    op.drop_table("run_bodies_without_site")
