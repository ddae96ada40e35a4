"""DuckDB side of the project: connections, seeds, SQL models, build and reads."""
