"""Benchmarks: run one with ``python -m bench NAME`` (or ``make bench ARGS=NAME``)."""
