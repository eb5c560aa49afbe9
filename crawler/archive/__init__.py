"""The run's archive: what was fetched, as WARC files (ISO 28500), written and read with warcio."""
