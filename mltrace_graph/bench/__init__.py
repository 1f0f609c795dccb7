"""The benchmark suite behind ``make bench``: workloads, measurements, report.

Benchmarks measure and report; they never assert a time. A tiny-scale run is part of the
test suite only so that the code cannot rot.
"""
