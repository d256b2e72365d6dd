"""Analytic copies of the graph: the observations as partitioned Parquet, and questions answered from it by DuckDB."""
