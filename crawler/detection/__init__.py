"""Detection: pure functions from a page's HTML and URL to findings, driven by catalogues.

Nothing here does I/O. The crawl parses each page once (``ParsedPage``) and every detector
reads that same tree; ``crawler.detection.detect`` runs them all. A page rendered in a browser
goes through ``crawler.detection.rendered.detect_rendered(page, requested, filter_lists)``: the
rendered DOM as a page, and the URLs the browser requested matched by the same rules.
"""
