"""Genomics: alteration readers, normalisation, ESCAT tiering in NET/NEC context, cohorts.

`annotate_case(case, kb)` is the engine (pure); `nenboard.genomics.cli` the command.
"""

from nenboard.genomics.model import AnnotatedAlteration, Context, MolecularProfile
from nenboard.genomics.tiering import annotate_case, annotate_observed, biomarker_ids

__all__ = ["AnnotatedAlteration", "Context", "MolecularProfile", "annotate_case",
           "annotate_observed", "biomarker_ids"]
