"""history views: latest state per body, first/last seen per account and tracker, run summaries

The view definitions are frozen here (not imported from the package) so that this revision keeps
creating exactly these views whatever later code looks like. Plain SQL that SQLite and
PostgreSQL both run: no window functions, no dialect-specific aggregates. Runs are ordered by id;
only runs with status 'finished' count as observations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Dependency order: a view is created after the views it reads, and dropped before them.
VIEWS: tuple[tuple[str, str], ...] = (
    (
        "body_observation_span",
        """
        SELECT bv.body_id AS body_id,
               MIN(bv.run_id) AS first_visit_run_id,
               MAX(bv.run_id) AS last_visit_run_id,
               MIN(CASE WHEN bv.reachable THEN bv.run_id END) AS first_successful_run_id,
               MAX(CASE WHEN bv.reachable THEN bv.run_id END) AS last_successful_run_id,
               COUNT(*) AS runs_visited,
               COUNT(CASE WHEN bv.reachable THEN 1 END) AS runs_reachable
        FROM body_visits bv
        JOIN crawl_runs r ON r.id = bv.run_id
        WHERE r.status = 'finished'
        GROUP BY bv.body_id
        """,
    ),
    (
        "latest_body_state",
        """
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
        JOIN body_visits bv
          ON bv.body_id = b.id AND bv.run_id = span.last_successful_run_id
        JOIN crawl_runs r ON r.id = span.last_successful_run_id
        JOIN body_visits lv
          ON lv.body_id = b.id AND lv.run_id = span.last_visit_run_id
        """,
    ),
    (
        "account_history",
        """
        SELECT seen.body_id AS body_id,
               seen.platform AS platform,
               seen.handle AS handle,
               seen.first_seen_run_id AS first_seen_run_id,
               fr.started_at AS first_seen_at,
               seen.last_seen_run_id AS last_seen_run_id,
               lr.started_at AS last_seen_at,
               seen.runs_seen AS runs_seen,
               (seen.last_seen_run_id = span.last_successful_run_id) AS is_current,
               CASE
                 WHEN seen.last_seen_run_id = span.last_visit_run_id THEN 'current'
                 WHEN seen.last_seen_run_id = span.last_successful_run_id THEN 'not_observed'
                 ELSE 'removed'
               END AS status
        FROM (
            SELECT sl.body_id AS body_id,
                   sl.platform AS platform,
                   sl.handle AS handle,
                   MIN(sl.run_id) AS first_seen_run_id,
                   MAX(sl.run_id) AS last_seen_run_id,
                   COUNT(DISTINCT sl.run_id) AS runs_seen
            FROM social_links sl
            JOIN crawl_runs r ON r.id = sl.run_id
            WHERE r.status = 'finished'
              AND sl.link_kind = 'profile'
              AND sl.handle IS NOT NULL
            GROUP BY sl.body_id, sl.platform, sl.handle
        ) seen
        JOIN body_observation_span span ON span.body_id = seen.body_id
        JOIN crawl_runs fr ON fr.id = seen.first_seen_run_id
        JOIN crawl_runs lr ON lr.id = seen.last_seen_run_id
        """,
    ),
    (
        "tracker_history",
        """
        SELECT seen.body_id AS body_id,
               seen.tracker_id AS tracker_id,
               seen.first_seen_run_id AS first_seen_run_id,
               fr.started_at AS first_seen_at,
               seen.last_seen_run_id AS last_seen_run_id,
               lr.started_at AS last_seen_at,
               seen.runs_seen AS runs_seen,
               (seen.last_seen_run_id = span.last_successful_run_id) AS is_current,
               CASE
                 WHEN seen.last_seen_run_id = span.last_visit_run_id THEN 'current'
                 WHEN seen.last_seen_run_id = span.last_successful_run_id THEN 'not_observed'
                 ELSE 'removed'
               END AS status
        FROM (
            SELECT ts.body_id AS body_id,
                   ts.tracker_id AS tracker_id,
                   MIN(ts.run_id) AS first_seen_run_id,
                   MAX(ts.run_id) AS last_seen_run_id,
                   COUNT(DISTINCT ts.run_id) AS runs_seen
            FROM tracker_sightings ts
            JOIN crawl_runs r ON r.id = ts.run_id
            WHERE r.status = 'finished'
            GROUP BY ts.body_id, ts.tracker_id
        ) seen
        JOIN body_observation_span span ON span.body_id = seen.body_id
        JOIN crawl_runs fr ON fr.id = seen.first_seen_run_id
        JOIN crawl_runs lr ON lr.id = seen.last_seen_run_id
        """,
    ),
    (
        "run_summary",
        """
        SELECT bv.run_id AS run_id,
               b.state AS state,
               b.kind AS kind,
               COUNT(*) AS bodies_crawled,
               COUNT(CASE WHEN bv.reachable THEN 1 END) AS bodies_reachable,
               COUNT(CASE WHEN EXISTS (
                   SELECT 1 FROM social_links sl
                    WHERE sl.run_id = bv.run_id AND sl.body_id = bv.body_id
                      AND sl.link_kind = 'profile' AND sl.handle IS NOT NULL
               ) THEN 1 END) AS bodies_with_account,
               COUNT(CASE WHEN EXISTS (
                   SELECT 1 FROM tracker_sightings ts
                    WHERE ts.run_id = bv.run_id AND ts.body_id = bv.body_id
               ) THEN 1 END) AS bodies_with_tracker
        FROM body_visits bv
        JOIN bodies b ON b.id = bv.body_id
        GROUP BY bv.run_id, b.state, b.kind
        """,
    ),
    (
        "run_platform_summary",
        """
        SELECT sl.run_id AS run_id,
               b.state AS state,
               b.kind AS kind,
               sl.platform AS platform,
               COUNT(DISTINCT sl.body_id) AS bodies,
               COUNT(DISTINCT sl.body_id || ' ' || sl.handle) AS accounts
        FROM social_links sl
        JOIN bodies b ON b.id = sl.body_id
        WHERE sl.link_kind = 'profile' AND sl.handle IS NOT NULL
        GROUP BY sl.run_id, b.state, b.kind, sl.platform
        """,
    ),
    (
        "run_tracker_summary",
        """
        SELECT ts.run_id AS run_id,
               b.state AS state,
               b.kind AS kind,
               ts.tracker_id AS tracker_id,
               COUNT(DISTINCT ts.body_id) AS bodies
        FROM tracker_sightings ts
        JOIN bodies b ON b.id = ts.body_id
        GROUP BY ts.run_id, b.state, b.kind, ts.tracker_id
        """,
    ),
)


def upgrade() -> None:
    for name, select_sql in VIEWS:
        op.execute(f"CREATE VIEW {name} AS {select_sql.strip()}")


def downgrade() -> None:
    for name, _select_sql in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
