"""Row mappers that need no session: the column values of ``activities``/``laps`` rows from the
ingest stage's ``Activity`` and the stream facts stored beside them, shared by the import writer
and the readers."""
