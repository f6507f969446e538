"""WHO 2019 classification and grading (the full result, with flags, is
`nenboard.facts.classify`: flags are raised over the derived case facts)."""

from nenboard.pathology.classify import Classification, Flag, classify_core, with_flags

__all__ = ["Classification", "Flag", "classify_core", "with_flags"]
