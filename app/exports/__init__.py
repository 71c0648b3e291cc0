"""Exports of what the timeline shows, for work outside Parley: its statements as CSV or JSON
Lines (`statements`), and the actor network they imply as GraphML (`network`).

Each export applies the timeline's filters and reads the database in chunks, so its memory does
not grow with the number of statements."""
