"""The demo: synthetic municipal sites from data/demo served on loopback and crawled."""
