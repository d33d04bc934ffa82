"""The optional C extensions: the GPX fast path's scanner (docs/decisions/0069), the FIT record
columns and the stream blob's loops (docs/decisions/0071); everything else is in pyproject.toml. ``optional=True``:
where they cannot be compiled the install still succeeds and the numpy paths are used."""

from setuptools import Extension, setup

_FLAGS = ["-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"]

setup(
    ext_modules=[
        Extension(
            "backstride.ingest._gpxscan",
            sources=["src/backstride/ingest/_gpxscan.c"],
            extra_compile_args=_FLAGS,
            optional=True,
        ),
        Extension(
            "backstride.ingest._fitrecords",
            sources=["src/backstride/ingest/_fitrecords.c"],
            extra_compile_args=[*_FLAGS, "-ffp-contract=off"],
            optional=True,
        ),
        Extension(
            "backstride.ingest._streampack",
            sources=["src/backstride/ingest/_streampack.c"],
            # no fused multiply-add: the values must be numpy's, bit for bit; -O3 turns the
            # block passes of the delta columns into vector code
            extra_compile_args=[*_FLAGS, "-O3", "-ffp-contract=off"],
            optional=True,
        ),
    ]
)
