"""Benchmarks: accuracy and speed figures reported in benchmarks/RESULTS.md."""
