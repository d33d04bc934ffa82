"""API routers, one per audience: accounts, runner (me), imports, clinician, admin."""
