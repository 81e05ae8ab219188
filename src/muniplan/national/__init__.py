"""National runs: every kommune's projection and backtests, spread over a Dask cluster.

The arithmetic is the pure :mod:`muniplan.demography.national`; this package only splits
the kommuner into tasks, ships their arrays and gathers the small summaries.
"""
