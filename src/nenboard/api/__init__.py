"""The nenboard service: REST API, CDS Hooks and the browser app (FastAPI)."""
