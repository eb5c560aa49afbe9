"""Spiders: they fetch each body's homepage and ranked same-site pages and settle its outcome;
analysis runs in ``crawler.analysis``, storage in ``crawler.pipelines``."""
