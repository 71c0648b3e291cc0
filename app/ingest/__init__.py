"""Getting things into the database: codebooks, articles with their extraction results, jobs."""
