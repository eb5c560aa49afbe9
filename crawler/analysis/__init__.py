"""Page analysis off the crawl's core: worker processes that parse each page once, run the
detectors and rank its same-site links. Nothing here imports Scrapy."""
