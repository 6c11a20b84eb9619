"""asv benchmark suites (bench_*.py) and side-by-side comparison scripts (*_throughput.py, *_build*.py)."""
