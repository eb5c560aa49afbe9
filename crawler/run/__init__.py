"""A crawl run's lifecycle: opening it under the database lock, driving Scrapy, resuming,
the bodies it still owes, and the progress it shows."""
