"""SBML export of the pathway model and its libSBML validation."""

from __future__ import annotations

from dataclasses import dataclass

from nenboard.systems.model import sbml_string


@dataclass(frozen=True)
class Validation:
    errors: list[str]
    warnings: int

    @property
    def ok(self) -> bool:
        return not self.errors


def export_sbml() -> str:
    """SBML Level 3 text of the pathway model (with provenance notes from Antimony)."""
    return sbml_string()


def validate_sbml(text: str) -> Validation:
    """libSBML consistency check; errors are fatal/error severities, units checks off."""
    import libsbml

    doc = libsbml.readSBMLFromString(text)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    errors, warnings = [], 0
    for i in range(doc.getNumErrors()):
        err = doc.getError(i)
        if err.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            errors.append(err.getMessage().strip())
        else:
            warnings += 1
    return Validation(errors, warnings)
