"""WHO 2019 classification and grading of GEP-NENs."""

from nenboard.pathology.classify import Classification, Flag, classify, classify_core

__all__ = ["Classification", "Flag", "classify", "classify_core"]
