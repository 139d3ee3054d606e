"""Synthetic people and lists for the demo, the tests and the benchmarks (never real data)."""
