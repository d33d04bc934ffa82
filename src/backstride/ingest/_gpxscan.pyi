# The compiled scanner of the GPX fast path (_gpxscan.c, docs/decisions/0069).

def scan(
    data: bytes,
    start: int,
    tags: tuple[bytes, ...],
    leaves: tuple[int, ...],
    time_leaf: int,
    extra_opening: int,
    opening: int,
    /,
) -> (
    tuple[
        bytearray,
        bytearray,
        list[bytearray],
        tuple[bytearray, bytearray] | None,
        list[int],
    ]
    | None
): ...
