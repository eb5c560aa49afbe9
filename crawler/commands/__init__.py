"""Scrapy commands of this project (``COMMANDS_MODULE``): ``scrapy crawl bodies`` runs the same
crawl as ``govsocial crawl``, with the same database and settings rules."""
