"""Text in, dataclasses out: attributed, dated, issue-coded statements and events.

This package imports nothing from the database or web layers, so it can be tested, timed and
reused alone. The entry point is :func:`app.extraction.pipeline.Extractor.extract`.
"""
