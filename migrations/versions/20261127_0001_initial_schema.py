"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 12:48:50.838584
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bodies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("wikidata", sa.String(length=32), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bodies")),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("code_version", sa.String(length=64), nullable=False),
        sa.Column("seed_file", sa.String(length=1024), nullable=True),
        sa.Column("seed_sha256", sa.String(length=64), nullable=True),
        sa.Column("bodies_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("bodies_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("bodies_reachable", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pages_fetched", sa.Integer(), server_default="0", nullable=False),
        sa.Column("accounts_found", sa.Integer(), server_default="0", nullable=False),
        sa.Column("trackers_found", sa.Integer(), server_default="0", nullable=False),
        sa.Column("errors", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("hostname", sa.String(length=255), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawl_runs_status"), ["status"], unique=False)

    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("depth", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_pages_body_id_bodies")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_pages_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.UniqueConstraint("run_id", "body_id", "url", name=op.f("uq_pages_run_id_body_id_url")),
    )
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pages_body_id"), ["body_id"], unique=False)
        batch_op.create_index("ix_pages_run_id_body_id", ["run_id", "body_id"], unique=False)

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_sites_body_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("body_id", "url", name=op.f("uq_sites_body_id_url")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_body_id"), ["body_id"], unique=False)

    op.create_table(
        "body_visits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("seed_url", sa.String(length=2048), nullable=False),
        sa.Column("final_url", sa.String(length=2048), nullable=True),
        sa.Column("moved_to", sa.String(length=255), nullable=True),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("pages_fetched", sa.Integer(), server_default="0", nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_body_visits_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_body_visits_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_body_visits_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_visits")),
        sa.UniqueConstraint("run_id", "body_id", name=op.f("uq_body_visits_run_id_body_id")),
    )
    with op.batch_alter_table("body_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_visits_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_visits_run_id"), ["run_id"], unique=False)

    op.create_table(
        "filter_list_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=255), nullable=False),
        sa.Column("list_version", sa.String(length=255), nullable=False),
        sa.Column("resource_url", sa.String(length=2048), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_filter_list_hits_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_filter_list_hits_page_id_pages")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_filter_list_hits_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filter_list_hits")),
    )
    with op.batch_alter_table("filter_list_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filter_list_hits_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filter_list_hits_page_id"), ["page_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filter_list_hits_run_id"), ["run_id"], unique=False)

    op.create_table(
        "social_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("link_kind", sa.String(length=16), nullable=False),
        sa.Column("handle", sa.String(length=256), nullable=True),
        sa.Column("account_type", sa.String(length=32), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("canonical_url", sa.String(length=2048), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("element", sa.String(length=32), nullable=False),
        sa.Column("attribute", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_social_links_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_social_links_page_id_pages")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_social_links_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_links")),
    )
    with op.batch_alter_table("social_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_links_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_social_links_page_id"), ["page_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_social_links_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            "ix_social_links_run_id_platform_handle", ["run_id", "platform", "handle"], unique=False
        )

    op.create_table(
        "third_party_hosts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_third_party_hosts_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_third_party_hosts_page_id_pages")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_third_party_hosts_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_third_party_hosts")),
    )
    with op.batch_alter_table("third_party_hosts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_third_party_hosts_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_third_party_hosts_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_third_party_hosts_page_id"), ["page_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_third_party_hosts_run_id"), ["run_id"], unique=False)

    op.create_table(
        "tracker_sightings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("tracker_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("vendor", sa.String(length=128), nullable=False),
        sa.Column("vendor_country", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("third_country", sa.Boolean(), nullable=False),
        sa.Column("ids", sa.JSON(), nullable=False),
        sa.Column("consent_gated", sa.Boolean(), nullable=False),
        sa.Column("element", sa.String(length=32), nullable=False),
        sa.Column("attribute", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_tracker_sightings_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_tracker_sightings_page_id_pages")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_tracker_sightings_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracker_sightings")),
    )
    with op.batch_alter_table("tracker_sightings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracker_sightings_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracker_sightings_page_id"), ["page_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracker_sightings_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            "ix_tracker_sightings_run_id_tracker_id", ["run_id", "tracker_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tracker_sightings", schema=None) as batch_op:
        batch_op.drop_index("ix_tracker_sightings_run_id_tracker_id")
        batch_op.drop_index(batch_op.f("ix_tracker_sightings_run_id"))
        batch_op.drop_index(batch_op.f("ix_tracker_sightings_page_id"))
        batch_op.drop_index(batch_op.f("ix_tracker_sightings_body_id"))

    op.drop_table("tracker_sightings")
    with op.batch_alter_table("third_party_hosts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_third_party_hosts_run_id"))
        batch_op.drop_index(batch_op.f("ix_third_party_hosts_page_id"))
        batch_op.drop_index(batch_op.f("ix_third_party_hosts_domain"))
        batch_op.drop_index(batch_op.f("ix_third_party_hosts_body_id"))

    op.drop_table("third_party_hosts")
    with op.batch_alter_table("social_links", schema=None) as batch_op:
        batch_op.drop_index("ix_social_links_run_id_platform_handle")
        batch_op.drop_index(batch_op.f("ix_social_links_run_id"))
        batch_op.drop_index(batch_op.f("ix_social_links_page_id"))
        batch_op.drop_index(batch_op.f("ix_social_links_body_id"))

    op.drop_table("social_links")
    with op.batch_alter_table("filter_list_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filter_list_hits_run_id"))
        batch_op.drop_index(batch_op.f("ix_filter_list_hits_page_id"))
        batch_op.drop_index(batch_op.f("ix_filter_list_hits_body_id"))

    op.drop_table("filter_list_hits")
    with op.batch_alter_table("body_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_visits_run_id"))
        batch_op.drop_index(batch_op.f("ix_body_visits_body_id"))

    op.drop_table("body_visits")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_body_id"))

    op.drop_table("sites")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index("ix_pages_run_id_body_id")
        batch_op.drop_index(batch_op.f("ix_pages_body_id"))

    op.drop_table("pages")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_runs_status"))

    op.drop_table("crawl_runs")
    op.drop_table("bodies")
