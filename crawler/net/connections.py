"""Closing a finished body's idle keep-alive connections at once, not after the idle timeout.

Twisted keeps a connection for reuse until it has been idle ``cachedConnectionTimeout`` seconds
(15 s here, crawler/settings.py). A body's hosts are not asked again once the body is done, so
until then the crawl held an open socket, its protocol objects and, on the server, a worker for
every body finished in the last 15 s: 1,800 sockets at the end of a 2,000-body loopback crawl,
and the crawl process's memory grew with them (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from twisted.web.client import HTTPConnectionPool

# Sent by the spider when a body's last request has settled, with ``hosts``: the lower-case
# names of every host its requests and their redirects reached.
body_done = object()


def _key_host(key: Hashable) -> str | None:
    """The host in a pool key, ``(scheme, host, port, ...)`` (Scrapy appends the proxy, if any)."""
    if isinstance(key, tuple) and len(key) >= 3 and isinstance(key[1], bytes):
        return key[1].decode("ascii", "replace").lower()
    return None


class SitePool(HTTPConnectionPool):
    """Twisted's connection pool, able to close the idle connections kept for given hosts.

    It also forgets a key once its last idle connection timed out: Twisted keeps the empty list,
    one per host ever visited, for the life of the crawl.
    """

    def __init__(self, reactor: Any, persistent: bool = True) -> None:
        super().__init__(reactor, persistent)
        self._keys_by_host: dict[str, set[Hashable]] = {}

    def _putConnection(self, key: Hashable, connection: Any) -> None:
        super()._putConnection(key, connection)
        host = _key_host(key)
        if host is not None and connection in self._connections.get(key, ()):
            self._keys_by_host.setdefault(host, set()).add(key)

    def _removeConnection(self, key: Hashable, connection: Any) -> None:
        super()._removeConnection(key, connection)  # Twisted's idle timeout
        host = _key_host(key)
        if host is None or self._connections.get(key):
            return
        del self._connections[key]
        keys = self._keys_by_host.get(host)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._keys_by_host[host]

    def close_idle(self, hosts: Iterable[str]) -> int:
        """Close the idle connections kept for any of ``hosts``; how many were closed.

        A connection in use is not in the pool and is left alone: it comes back when its
        response is done and times out as usual.
        """
        closed = 0
        for host in hosts:
            for key in self._keys_by_host.pop(host, ()):
                for connection in self._connections.pop(key, ()):
                    self._timeouts.pop(connection).cancel()
                    connection.transport.loseConnection()
                    closed += 1
        return closed
