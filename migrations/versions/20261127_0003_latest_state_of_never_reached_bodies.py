"""latest_body_state keeps bodies that no finished run ever reached

Revision 0002 joined latest_body_state to the body's last successful visit, so a body whose site
was down in every run had no row at all, and the question "which bodies were down in their latest
visit?" (docs/queries.md, question 7) silently left out the ones never reached. Now every body a
finished run visited has a row; for a never-reached body the columns of its last successful visit
(run_id, observed_at, seed_url, final_url, moved_to, pages_fetched) are empty and its counts 0.
The columns stay the same; only the two joins to the last successful visit become outer joins.
Both definitions are frozen here, so upgrade and downgrade never depend on later code.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = """
SELECT b.id AS body_id,
       b.name AS body_name,
       b.kind AS kind,
       b.state AS state,
       span.last_successful_run_id AS run_id,
       r.started_at AS observed_at,
       bv.seed_url AS seed_url,
       bv.final_url AS final_url,
       bv.moved_to AS moved_to,
       bv.pages_fetched AS pages_fetched,
       span.last_visit_run_id AS last_visit_run_id,
       lv.reachable AS reachable_in_last_visit,
       lv.outcome AS last_visit_outcome,
       (SELECT COUNT(DISTINCT sl.platform || ':' || sl.handle)
          FROM social_links sl
         WHERE sl.run_id = span.last_successful_run_id
           AND sl.body_id = b.id
           AND sl.link_kind = 'profile'
           AND sl.handle IS NOT NULL) AS accounts,
       (SELECT COUNT(DISTINCT ts.tracker_id)
          FROM tracker_sightings ts
         WHERE ts.run_id = span.last_successful_run_id
           AND ts.body_id = b.id) AS trackers
FROM bodies b
JOIN body_observation_span span ON span.body_id = b.id
JOIN body_visits lv
  ON lv.body_id = b.id AND lv.run_id = span.last_visit_run_id
"""

# The last successful visit and its run; {join} is JOIN (0002) or LEFT JOIN (this revision).
LAST_SUCCESSFUL_VISIT = """
{join} body_visits bv
  ON bv.body_id = b.id AND bv.run_id = span.last_successful_run_id
{join} crawl_runs r ON r.id = span.last_successful_run_id
"""


def _replace_latest_body_state(join: str) -> None:
    op.execute("DROP VIEW latest_body_state")
    op.execute(
        "CREATE VIEW latest_body_state AS "
        + COLUMNS.strip()
        + LAST_SUCCESSFUL_VISIT.format(join=join).rstrip()
    )


def upgrade() -> None:
    _replace_latest_body_state("LEFT JOIN")


def downgrade() -> None:
    _replace_latest_body_state("JOIN")
