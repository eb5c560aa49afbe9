"""``python -m benchmarks``: see benchmarks/speed.py."""

from benchmarks.speed import main

main()
