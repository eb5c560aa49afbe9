"""Detection: pure functions from a page's HTML and URL to findings, driven by catalogues.

Nothing here does I/O. The crawl parses each page once (``ParsedPage``) and every detector
reads that same tree; ``crawler.detection.detect`` runs them all.
"""
