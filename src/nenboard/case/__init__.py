"""The patient case: model, vocabularies and readers."""

from nenboard.case.model import Alteration, Case, HistoryEntry
from nenboard.case.read import case_from_data, read_case

__all__ = ["Alteration", "Case", "HistoryEntry", "case_from_data", "read_case"]
