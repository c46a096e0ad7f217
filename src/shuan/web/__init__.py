"""The REST service (FastAPI): thin routers over the services."""
