"""The ``backstride`` command line (Typer + rich); thin, every command calls services."""
