"""The bundled synthetic sample county: a tool for demos, tests and benchmarks, not ingest."""
