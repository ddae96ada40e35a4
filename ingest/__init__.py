"""Readers, validation and the ``python -m ingest`` command line.

``ingest.returns.read_return`` reads one return workbook;
``ingest.returns.ingest_paths`` loads files and folders into bronze.
"""
