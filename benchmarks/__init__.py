"""citycarbon's performance benchmarks: ``python -m benchmarks`` (or ``make bench``).

Each module ``benchmarks/bench_<name>.py`` exposes ``run(args) -> dict`` and is discovered by
:mod:`benchmarks.__main__`; see ``docs/benchmarks.md``.
"""
