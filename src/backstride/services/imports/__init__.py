"""The import pipeline: uploads, the job queue and its workers, parsing, dedup and the writer."""
