"""analyses of a run, and where each page lies in the run's WARC archive

Findings used to be computed once, at crawl time. Now every finding belongs to an analysis
(analyses): the crawl's own, or a re-analysis of the run's archived pages with a later
catalogue (govsocial reanalyse). Each analysis records its catalogue version. Runs from before
this revision get one crawl analysis each, of version 'unrecorded', holding all their findings.

The history views read the newest analysis of each run: current_analyses names it, and a
current_<table> view per findings table keeps that analysis's rows. Every view that read a
findings table is recreated from its definition in the database with the table replaced by its
current_ view, so the views keep their names, columns and what they say of runs analysed once;
downgrade replaces them back.

pages and rendered_pages get the WARC file, offset and record id of the archived response
(crawl --archive), crawl_runs the folder of the run's archive.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 16:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINDINGS_TABLES = (
    "social_links",
    "tracker_sightings",
    "third_party_hosts",
    "filter_list_hits",
    "rendered_trackers",
    "rendered_social_links",
)
ARCHIVED_TABLES = ("pages", "rendered_pages")
UNRECORDED = "unrecorded"

CURRENT_ANALYSES = """
SELECT a.run_id AS run_id, MAX(a.id) AS analysis_id
FROM analyses a
WHERE a.kind = 'crawl' OR a.finished_at IS NOT NULL
GROUP BY a.run_id
"""
CURRENT_ROWS = """
SELECT f.*
FROM {table} f
JOIN current_analyses ca ON ca.run_id = f.run_id AND ca.analysis_id = f.analysis_id
"""
OWN_VIEWS = ("current_analyses", *(f"current_{table}" for table in FINDINGS_TABLES))

# A findings table where a view reads it: after FROM or JOIN (PostgreSQL's definitions put
# joins in parentheses).
_TABLE_REFERENCE = r"\b(FROM|JOIN)(\s+\(*\s*){prefix}({tables})\b"


def _view_definitions() -> dict[str, str]:
    """Every view of the database: name -> its SELECT."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        rows = connection.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type='view'"))
        return {
            name: re.sub(r"^\s*CREATE\s+VIEW\s+\S+\s+AS\s+", "", sql, flags=re.IGNORECASE)
            for name, sql in rows
        }
    rows = connection.execute(
        sa.text(
            "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema()"
        )
    )
    return {name: definition.strip().rstrip(";") for name, definition in rows}


def _creation_order(views: dict[str, str]) -> list[str]:
    """The views ordered so that each comes after the views it reads."""
    ordered: list[str] = []
    pending = dict(views)
    while pending:
        ready = [
            name
            for name, sql in pending.items()
            if not any(
                re.search(rf"\b{other}\b", sql) for other in pending if other != name
            )
        ]
        if not ready:
            raise RuntimeError(f"views read each other in a cycle: {sorted(pending)}")
        for name in sorted(ready):
            ordered.append(name)
            del pending[name]
    return ordered


def _drop_views(names: Sequence[str]) -> None:
    cascade = " CASCADE" if op.get_bind().dialect.name == "postgresql" else ""
    for name in names:
        op.execute(f"DROP VIEW IF EXISTS {name}{cascade}")


def _create_views(views: dict[str, str]) -> None:
    for name in _creation_order(views):
        op.execute(f"CREATE VIEW {name} AS {views[name]}")


def _rewritten(views: dict[str, str], prefix: str, replacement: str) -> dict[str, str]:
    """The views with every findings table read as ``prefix + table`` read as
    ``replacement + table``."""
    pattern = re.compile(
        _TABLE_REFERENCE.format(prefix=prefix, tables="|".join(FINDINGS_TABLES)),
        re.IGNORECASE,
    )
    return {
        name: pattern.sub(lambda match: f"{match[1]}{match[2]}{replacement}{match[3]}", sql)
        for name, sql in views.items()
    }


def upgrade() -> None:
    views = _view_definitions()
    # SQLite copies a table to alter it, and refuses while a view reads the table.
    _drop_views(list(views))
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("catalogue_version", sa.String(length=64), nullable=False),
        sa.Column("code_version", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pages_analysed", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_analyses_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyses")),
    )
    op.create_index(op.f("ix_analyses_run_id"), "analyses", ["run_id"], unique=False)
    op.execute(
        "INSERT INTO analyses (run_id, kind, catalogue_version, code_version, started_at, "
        "finished_at, pages_analysed) "
        f"SELECT id, 'crawl', '{UNRECORDED}', code_version, started_at, finished_at, "
        "(SELECT COUNT(*) FROM pages p WHERE p.run_id = crawl_runs.id) FROM crawl_runs"
    )
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archive_dir", sa.String(length=1024), nullable=True))
    for table in ARCHIVED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("warc_file", sa.String(length=255), nullable=True))
            batch_op.add_column(sa.Column("warc_offset", sa.BigInteger(), nullable=True))
            batch_op.add_column(sa.Column("warc_record_id", sa.String(length=64), nullable=True))
    for table in FINDINGS_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("analysis_id", sa.Integer(), nullable=True))
        op.execute(
            f"UPDATE {table} SET analysis_id = "
            f"(SELECT a.id FROM analyses a WHERE a.run_id = {table}.run_id)"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("analysis_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_analysis_id_analyses"), "analyses", ["analysis_id"], ["id"]
            )
    op.execute(f"CREATE VIEW current_analyses AS {CURRENT_ANALYSES.strip()}")
    for table in FINDINGS_TABLES:
        op.execute(f"CREATE VIEW current_{table} AS {CURRENT_ROWS.format(table=table).strip()}")
    _create_views(_rewritten(views, "", "current_"))


def downgrade() -> None:
    views = {
        name: sql for name, sql in _view_definitions().items() if name not in OWN_VIEWS
    }
    _drop_views([*views, *reversed(OWN_VIEWS)])
    for table in FINDINGS_TABLES:
        # Without analyses a run has one set of findings: its crawl's.
        op.execute(
            f"DELETE FROM {table} WHERE analysis_id NOT IN "
            "(SELECT id FROM analyses WHERE kind = 'crawl')"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"fk_{table}_analysis_id_analyses"), type_="foreignkey")
            batch_op.drop_column("analysis_id")
    for table in ARCHIVED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("warc_record_id")
            batch_op.drop_column("warc_offset")
            batch_op.drop_column("warc_file")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("archive_dir")
    op.drop_index(op.f("ix_analyses_run_id"), table_name="analyses")
    op.drop_table("analyses")
    _create_views(_rewritten(views, "current_", ""))
