"""Benchmarks against named peers; ``python -m bench.run_all`` writes ``bench/RESULTS.md``."""
