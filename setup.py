"""The optional C scanner of the GPX fast path (docs/decisions/0069); everything else is in
pyproject.toml. ``optional=True``: where it cannot be compiled the install still succeeds and
``backstride.ingest.gpx_fast`` uses its numpy path."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "backstride.ingest._gpxscan",
            sources=["src/backstride/ingest/_gpxscan.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
            optional=True,
        )
    ]
)
