"""run_coverage: per run, Land and kind, bodies listed, with a website and reached."""

from __future__ import annotations

from sqlalchemy import insert, select

from db.history import run_coverage
from db.models import RunBody, RunBodyWithoutSite
from db.session import make_engine, make_sessionmaker

from .factory import DatasetFactory


def test_bodies_without_a_website_count_in_the_denominator(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with make_sessionmaker(engine).begin() as session:
        factory = DatasetFactory(session)
        run = factory.run("2026-12-01")
        reached = factory.body("09162000", "München", kind="kreisfreie_stadt")
        down = factory.body("09179111", "Altdorf", kind="gemeinde")
        unknown = factory.body("09179112", "Neudorf", kind="gemeinde")
        nowhere = factory.body("09179113", "Hinterdorf", kind="gemeinde")
        session.execute(
            insert(RunBody),
            [
                {"run_id": run.id, "position": 0, "body_id": reached.id, "url": "https://a.de/"},
                {"run_id": run.id, "position": 1, "body_id": down.id, "url": "https://b.de/"},
            ],
        )
        session.execute(
            insert(RunBodyWithoutSite),
            [{"run_id": run.id, "body_id": unknown.id}, {"run_id": run.id, "body_id": nowhere.id}],
        )
        factory.visit(run, reached)
        factory.visit(run, down, reachable=False)
    view = run_coverage.c
    with engine.connect() as connection:
        rows = connection.execute(
            select(view).where(view.run_id == run.id).order_by(view.kind)
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        (run.id, "Bayern", "gemeinde", 3, 1, 0, 33.3, 0.0),
        (run.id, "Bayern", "kreisfreie_stadt", 1, 1, 1, 100.0, 100.0),
    ]
