"""Readers, validation and the ``python -m ingest`` command line.

``ingest.reader.read_return`` reads one return workbook (``ingest.layout``
describes its sheets and columns, ``ingest.limits`` how big it may be);
``ingest.batch.load_returns`` loads files and folders into bronze on an open
writer connection (``with lakehouse.db.writing(db) as con``);
``ingest.upload.ingest_uploads`` does the same for the dashboard's uploads in
a memory-capped child process.
"""
