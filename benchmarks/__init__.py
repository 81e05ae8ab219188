"""Benchmarks: plain scripts named ``bench_*.py``, each with a ``main()`` that prints figures."""
