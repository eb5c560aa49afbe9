"""A finished body's idle keep-alive connections are closed at once, others only when idle long."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from scrapy.utils.test import get_crawler
from twisted.internet.task import Clock

from crawler.net.connections import SitePool, body_done
from crawler.spiders.bodies import BodiesSpider, BodyState


@dataclass
class FakeTransport:
    lost: bool = False

    def loseConnection(self) -> None:
        self.lost = True


@dataclass(eq=False)
class FakeConnection:
    """What the pool needs of an HTTP11ClientProtocol: its state and its transport."""

    state: str = "QUIESCENT"
    transport: FakeTransport = field(default_factory=FakeTransport)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pool(clock: Clock) -> SitePool:
    pool = SitePool(clock)
    pool.cachedConnectionTimeout = 15
    return pool


def put(pool: SitePool, scheme: bytes, host: bytes, port: int) -> FakeConnection:
    connection = FakeConnection()
    pool._putConnection((scheme, host, port), connection)
    return connection


def test_the_idle_connections_of_the_given_hosts_are_closed_and_their_timers_stopped(
    pool: SitePool, clock: Clock
) -> None:
    plain = put(pool, b"http", b"www.a.de", 80)
    secure = put(pool, b"https", b"WWW.A.DE", 443)
    other_port = put(pool, b"http", b"www.a.de", 8080)
    assert pool.close_idle({"www.a.de"}) == 3
    assert [plain.transport.lost, secure.transport.lost, other_port.transport.lost] == [True] * 3
    assert clock.getDelayedCalls() == []
    assert pool._connections == {}


def test_other_hosts_keep_their_connections_even_with_a_similar_name(pool: SitePool) -> None:
    put(pool, b"http", b"www.a.de", 80)
    sibling = put(pool, b"http", b"a.de", 80)
    lookalike = put(pool, b"http", b"www.a.de.example", 80)
    pool.close_idle({"www.a.de"})
    assert [sibling.transport.lost, lookalike.transport.lost] == [False, False]
    assert sum(map(len, pool._connections.values())) == 2


def test_a_connection_in_use_is_left_alone_and_pooled_again_afterwards(pool: SitePool) -> None:
    connection = put(pool, b"http", b"www.a.de", 80)
    key = (b"http", b"www.a.de", 80)
    pool._connections[key].remove(connection)  # what getConnection does when it hands it out
    pool._timeouts.pop(connection).cancel()
    assert pool.close_idle({"www.a.de"}) == 0
    assert not connection.transport.lost
    pool._putConnection(key, connection)
    assert pool.close_idle({"www.a.de"}) == 1


def test_a_connection_timed_out_leaves_no_key_behind(pool: SitePool, clock: Clock) -> None:
    connection = put(pool, b"http", b"www.a.de", 80)
    clock.advance(14)
    assert not connection.transport.lost
    clock.advance(1)
    assert connection.transport.lost
    assert pool._connections == {}
    assert pool._keys_by_host == {}


def test_the_spider_announces_a_body_done_with_every_host_it_reached() -> None:
    crawler = get_crawler(BodiesSpider)
    spider = BodiesSpider.from_crawler(crawler, homepages=iter(()))
    announced: list[set[str]] = []

    def receive(hosts: set[str]) -> None:
        announced.append(hosts)

    crawler.signals.connect(receive, signal=body_done, weak=False)
    seen = {"http://www.a.de/", "http://a.de/impressum", "http://WWW.A.DE:8080/x"}
    state = BodyState("01", "http://www.a.de/", datetime.now(UTC), seen=seen, in_flight=2)
    state.final_url = "https://www.neu-a.de/"  # where the homepage's redirects ended
    spider.bodies[state.body_id] = state

    list(spider._settle(state))  # one request still in flight: the body is not done
    assert announced == []
    list(spider._settle(state))
    assert announced == [{"www.a.de", "a.de", "www.neu-a.de"}]
