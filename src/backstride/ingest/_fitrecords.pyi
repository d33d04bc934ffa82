# The compiled record pass of the FIT decoder (_fitrecords.c, docs/decisions/0071).
# None: the numpy path decides.

def columns(
    data: bytes,
    n_records: int,
    n_columns: int,
    runs: bytes,
    slots: bytes,
    scales: bytes,
    big_endian: bytes,
    /,
) -> bytearray | None: ...
