"""rendered tier: what headless Chromium requested, stored and showed, with its views

Selected pages are loaded in a browser and nothing is clicked, so everything recorded here
happened before consent. A run says which pages it rendered (crawl_runs.render_mode, 'none' for
runs before this revision) and how many (pages_rendered). Per rendered page: rendered_pages
(one per stored page; a failed render keeps only this row, with its error), the requests the
browser made (http_requests), the cookies it held or refused (browser_cookies), the storage keys
the page left (browser_storage), and the detectors' findings on the rendered DOM and the requests
(rendered_trackers with seen_in, rendered_social_links). Names follow OpenWPM where they mean
the same.

Three views read them: rendered_body_state (per run and body), latest_rendered_state (per body,
its latest finished run that rendered it) and run_state_render_summary (per run and Land, shares
of the rendered bodies). Like 0002, the view definitions and the vendors' domain lists are
frozen here, in plain SQL that SQLite and PostgreSQL both run.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Registrable domains by which a request counts as contacting a vendor (a host equal to one, or
# below it). db/history.py documents the same lists; a test keeps the two equal.
VENDOR_DOMAINS: dict[str, tuple[str, ...]] = {
    "meta": (
        "facebook.com",
        "facebook.net",
        "fbcdn.net",
        "instagram.com",
        "cdninstagram.com",
        "whatsapp.com",
        "whatsapp.net",
    ),
    "google": (
        "google-analytics.com",
        "googletagmanager.com",
        "googletagservices.com",
        "google.com",
        "google.de",
        "googleapis.com",
        "gstatic.com",
        "googleusercontent.com",
        "doubleclick.net",
        "googlesyndication.com",
        "googleadservices.com",
        "youtube.com",
        "ytimg.com",
        "youtube-nocookie.com",
        "googlevideo.com",
    ),
    "x": ("twitter.com", "x.com", "twimg.com", "t.co", "ads-twitter.com"),
}

# A tracker hit seen among the requests loaded before consent (nothing is clicked).
REQUESTED = "('requests', 'markup+requests')"

# The rows of one body in one run, correlated with the rendered pages grouped below.
SAME_RUN_AND_BODY = "{alias}.run_id = rp.run_id AND {alias}.body_id = rp.body_id"


def _contacts(vendor: str) -> str:
    """EXISTS: a request of the body in the run went to one of the vendor's domains."""
    hosts = " OR ".join(
        f"hr.host = '{domain}' OR hr.host LIKE '%.{domain}'" for domain in VENDOR_DOMAINS[vendor]
    )
    return (
        f"EXISTS (SELECT 1 FROM http_requests hr WHERE "
        f"{SAME_RUN_AND_BODY.format(alias='hr')} AND ({hosts})) AS contacts_{vendor}"
    )


def _count(expression: str, table: str, alias: str, condition: str, name: str) -> str:
    """A correlated count over one body's rows of ``table`` in the run."""
    return (
        f"(SELECT COUNT({expression}) FROM {table} {alias} "
        f"WHERE {SAME_RUN_AND_BODY.format(alias=alias)}{condition}) AS {name}"
    )


def _percent(condition: str) -> str:
    return f"ROUND(100.0 * COUNT(CASE WHEN {condition} THEN 1 END) / COUNT(*), 1)"


# Dependency order: a view is created after the views it reads, and dropped before them.
VIEWS: tuple[tuple[str, str], ...] = (
    (
        "rendered_body_state",
        f"""
        SELECT rp.run_id AS run_id,
               rp.body_id AS body_id,
               COUNT(*) AS pages_rendered,
               {_count("*", "http_requests", "hr", "", "requests")},
               {_count("*", "http_requests", "hr", " AND hr.third_party", "third_party_requests")},
               {_count("DISTINCT hr.host", "http_requests", "hr", " AND hr.third_party",
                       "third_party_hosts")},
               {_count("DISTINCT bc.name || '; ' || bc.domain || '; ' || bc.path",
                       "browser_cookies", "bc", " AND bc.third_party AND bc.set_before_consent",
                       "third_party_cookies")},
               {_count("DISTINCT rt.tracker_id", "rendered_trackers", "rt",
                       f" AND rt.seen_in IN {REQUESTED}", "trackers_requested")},
               {_count("DISTINCT rt.tracker_id", "rendered_trackers", "rt",
                       f" AND rt.consent_gated AND rt.seen_in IN {REQUESTED}",
                       "trackers_gated_yet_requested")},
               {_contacts("meta")},
               {_contacts("google")},
               {_contacts("x")}
        FROM rendered_pages rp
        WHERE rp.error IS NULL
        GROUP BY rp.run_id, rp.body_id
        """,
    ),
    (
        "latest_rendered_state",
        """
        SELECT b.id AS body_id,
               b.name AS body_name,
               b.kind AS kind,
               b.state AS state,
               s.run_id AS run_id,
               r.started_at AS observed_at,
               s.pages_rendered AS pages_rendered,
               s.requests AS requests,
               s.third_party_requests AS third_party_requests,
               s.third_party_hosts AS third_party_hosts,
               s.third_party_cookies AS third_party_cookies,
               s.trackers_requested AS trackers_requested,
               s.trackers_gated_yet_requested AS trackers_gated_yet_requested,
               s.contacts_meta AS contacts_meta,
               s.contacts_google AS contacts_google,
               s.contacts_x AS contacts_x
        FROM rendered_body_state s
        JOIN (
            SELECT rp.body_id AS body_id, MAX(rp.run_id) AS run_id
            FROM rendered_pages rp
            JOIN crawl_runs lr ON lr.id = rp.run_id
            WHERE lr.status = 'finished' AND rp.error IS NULL
            GROUP BY rp.body_id
        ) latest ON latest.body_id = s.body_id AND latest.run_id = s.run_id
        JOIN bodies b ON b.id = s.body_id
        JOIN crawl_runs r ON r.id = s.run_id
        """,
    ),
    (
        "run_state_render_summary",
        f"""
        SELECT s.run_id AS run_id,
               b.state AS state,
               COUNT(*) AS bodies_rendered,
               COUNT(CASE WHEN s.contacts_meta THEN 1 END) AS bodies_contacting_meta,
               {_percent("s.contacts_meta")} AS percent_contacting_meta,
               COUNT(CASE WHEN s.contacts_google THEN 1 END) AS bodies_contacting_google,
               {_percent("s.contacts_google")} AS percent_contacting_google,
               COUNT(CASE WHEN s.contacts_x THEN 1 END) AS bodies_contacting_x,
               {_percent("s.contacts_x")} AS percent_contacting_x,
               COUNT(CASE WHEN s.third_party_cookies > 0 THEN 1 END)
                   AS bodies_with_third_party_cookies,
               {_percent("s.third_party_cookies > 0")} AS percent_with_third_party_cookies
        FROM rendered_body_state s
        JOIN bodies b ON b.id = s.body_id
        GROUP BY s.run_id, b.state
        """,
    ),
)


def _observation_columns(table: str) -> list[sa.schema.SchemaItem]:
    """Key, run, body and rendered page of a table of browser observations, with their keys."""
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("rendered_page_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f(f"fk_{table}_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["rendered_page_id"],
            ["rendered_pages.id"],
            name=op.f(f"fk_{table}_rendered_page_id_rendered_pages"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f(f"fk_{table}_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _evidence_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("element", sa.String(length=32), nullable=False),
        sa.Column("attribute", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=False),
    ]


def _observation_tables() -> dict[str, list[sa.Column[object]]]:
    """Each table of browser observations, by its columns after those of _observation_columns.

    Built afresh per call: a Column belongs to one table, and a test upgrades twice.
    """
    return {
        "http_requests": [
            sa.Column("url", sa.String(length=2048), nullable=False),
            sa.Column("host", sa.String(length=255), nullable=False),
            sa.Column("method", sa.String(length=16), nullable=False),
            sa.Column("resource_type", sa.String(length=32), nullable=False),
            sa.Column("status", sa.Integer(), nullable=True),
            sa.Column("third_party", sa.Boolean(), nullable=False),
            sa.Column("blocked", sa.Text(), nullable=True),
        ],
        "browser_cookies": [
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("domain", sa.String(length=255), nullable=False),
            sa.Column("path", sa.Text(), nullable=False),
            sa.Column("lifetime_days", sa.Float(), nullable=True),
            sa.Column("http_only", sa.Boolean(), nullable=False),
            sa.Column("secure", sa.Boolean(), nullable=False),
            sa.Column("same_site", sa.String(length=16), nullable=True),
            sa.Column("third_party", sa.Boolean(), nullable=False),
            sa.Column("set_by", sa.String(length=16), nullable=False),
            sa.Column("refused", sa.Text(), nullable=True),
            sa.Column("set_before_consent", sa.Boolean(), nullable=False),
        ],
        "browser_storage": [
            sa.Column("area", sa.String(length=8), nullable=False),
            sa.Column("key", sa.Text(), nullable=False),
        ],
        "rendered_trackers": [
            sa.Column("seen_in", sa.String(length=16), nullable=False),
            sa.Column("tracker_id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=128), nullable=False),
            sa.Column("vendor", sa.String(length=128), nullable=False),
            sa.Column("vendor_country", sa.String(length=8), nullable=False),
            sa.Column("category", sa.String(length=64), nullable=False),
            sa.Column("third_country", sa.Boolean(), nullable=False),
            sa.Column("ids", sa.JSON(), nullable=False),
            sa.Column("consent_gated", sa.Boolean(), nullable=False),
            *_evidence_columns(),
        ],
        "rendered_social_links": [
            sa.Column("platform", sa.String(length=32), nullable=False),
            sa.Column("link_kind", sa.String(length=16), nullable=False),
            sa.Column("handle", sa.String(length=256), nullable=True),
            sa.Column("account_type", sa.String(length=32), nullable=True),
            sa.Column("url", sa.String(length=2048), nullable=False),
            sa.Column("canonical_url", sa.String(length=2048), nullable=True),
            sa.Column("resolved", sa.Boolean(), nullable=False),
            *_evidence_columns(),
        ],
    }

# Every table of the tier is indexed by body and by (run, body): the views read one body's rows
# of a run together, and a correlated subquery on run_id alone would scan the whole run's rows.
INDEXED: tuple[tuple[str, ...], ...] = (("body_id",), ("run_id", "body_id"))
OBSERVATION_INDEXED = (*INDEXED, ("rendered_page_id",))


def _create_indexes(table: str, indexes: Sequence[tuple[str, ...]]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for columns in indexes:
            name = batch_op.f(f"ix_{table}_{'_'.join(columns)}")
            batch_op.create_index(name, list(columns), unique=False)


def _drop_indexes(table: str, indexes: Sequence[tuple[str, ...]]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for columns in indexes:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{'_'.join(columns)}"))


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("render_mode", sa.String(length=16), server_default="none", nullable=False)
        )
        batch_op.add_column(
            sa.Column("pages_rendered", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "rendered_pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requests", sa.Integer(), server_default="0", nullable=False),
        sa.Column("third_party_requests", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cookies", sa.Integer(), server_default="0", nullable=False),
        sa.Column("third_party_cookies", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_rendered_pages_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_rendered_pages_page_id_pages")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_rendered_pages_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendered_pages")),
        sa.UniqueConstraint("page_id", name=op.f("uq_rendered_pages_page_id")),
    )
    _create_indexes("rendered_pages", INDEXED)
    for table, columns in _observation_tables().items():
        op.create_table(table, *_observation_columns(table), *columns)
        _create_indexes(table, OBSERVATION_INDEXED)
    for name, select_sql in VIEWS:
        op.execute(f"CREATE VIEW {name} AS {select_sql.strip()}")


def downgrade() -> None:
    for name, _select_sql in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
    for table in reversed(_observation_tables()):
        _drop_indexes(table, OBSERVATION_INDEXED)
        op.drop_table(table)
    _drop_indexes("rendered_pages", INDEXED)
    op.drop_table("rendered_pages")
    # Plain ALTER TABLE (SQLite 3.35+ drops columns): copying the table, as batch mode would,
    # fails on SQLite while the history views of 0002 read crawl_runs.
    with op.batch_alter_table("crawl_runs", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("pages_rendered")
        batch_op.drop_column("render_mode")
