"""Spiders: they fetch; detection and storage happen in the pipelines."""
