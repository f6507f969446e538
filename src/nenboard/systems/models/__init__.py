"""Model files (Antimony) of the systems module, shipped as package data."""
