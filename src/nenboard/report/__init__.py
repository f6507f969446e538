"""Report model, HTML/PDF rendering and figures."""
