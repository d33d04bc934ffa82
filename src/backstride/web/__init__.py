"""The runner's web pages: server-rendered HTML (Jinja2) enhanced by htmx, on the services.

``backstride.web.mount.mount_web(app)`` adds the pages to the API's FastAPI app (pages at
``/``, the API stays at ``/api/v1``). Pages call services, never the API over HTTP and never
the store.
"""
