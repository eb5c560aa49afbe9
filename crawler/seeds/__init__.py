"""Seed lists: reading and validating the CSV of bodies a run crawls, with line-numbered errors."""
