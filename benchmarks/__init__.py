"""Benchmarks run as modules, e.g. ``python -m benchmarks.tracker_accuracy``."""
