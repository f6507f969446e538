"""The vocabulary of case facts that conditions may test.

This is the engine's interface, not clinical knowledge: it names each fact the
fact deriver (`nenboard.facts`) produces, its type and, for categorical facts,
the allowed values. The knowledge-base checker uses it so a rule that tests a
misspelt fact or an impossible value fails `nenboard kb check` instead of
silently never matching.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FactType = Literal["category", "number", "bool", "list", "int"]


@dataclass(frozen=True)
class FactSpec:
    type: FactType
    description: str
    values: tuple[str, ...] | None = None  # allowed values (category, or list items)


SITES = ("pancreas", "duodenum", "ampulla", "jejunum_ileum", "appendix", "colon", "rectum",
         "stomach", "esophagus", "gallbladder_biliary", "liver", "unknown")
SITE_GROUPS = ("foregut", "midgut", "hindgut", "pancreas", "unknown")
SYNDROMES = ("carcinoid_syndrome", "insulinoma", "gastrinoma", "glucagonoma", "vipoma",
             "somatostatinoma")
HEREDITARY = ("MEN1", "VHL", "NF1", "TSC")
KI67_BANDS = ("G1", "G2_low", "G2_high", "G3_le55", "G3_gt55")

FACTS: dict[str, FactSpec] = {
    "entity": FactSpec("category", "WHO 2019 entity", ("NET", "NEC", "MiNEN")),
    "grade": FactSpec("category", "WHO 2019 grade", ("G1", "G2", "G3")),
    "differentiation": FactSpec("category", "tumor differentiation", ("well", "poor")),
    "morphology": FactSpec("category", "NEC morphology", ("small_cell", "large_cell")),
    "ki67": FactSpec("number", "Ki-67 index, percent"),
    "mitoses": FactSpec("number", "mitoses per 2 mm^2"),
    "ki67_band": FactSpec("category", "Ki-67 band: G1 <3; G2 low 3-9, high 10-20; G3 <=55, >55",
                          KI67_BANDS),
    "grade_band": FactSpec("category", "Ki-67 band consistent with the final grade (a tumor G3 by "
                           "mitoses is G3_le55 whatever its Ki-67)", KI67_BANDS),
    "differential": FactSpec("category", "entity the morphology/proliferation/molecular findings "
                             "support when it conflicts with the stated differentiation",
                             ("NET", "NEC")),
    "differential_conflict": FactSpec("bool", "the NET G3 / NEC findings conflict with the stated "
                                      "differentiation"),
    "site": FactSpec("category", "primary site", SITES),
    "site_group": FactSpec("category", "embryological site group", SITE_GROUPS),
    "gep": FactSpec("bool", "primary is gastroenteropancreatic (known GEP site)"),
    "sstr": FactSpec("category", "SSTR imaging uptake (SSTR PET or scintigraphy); never IHC",
                     ("positive", "negative")),
    "sstr_status": FactSpec("category", "SSTR status by functional imaging (when stated) or histology (IHC)",
                            ("positive", "negative")),
    "sstr_ihc": FactSpec("category", "SSTR2 immunohistochemistry", ("positive", "negative")),
    "sstr_ihc_only": FactSpec("bool", "SSTR2 IHC positive and no SSTR imaging result"),
    "sstr_imaging": FactSpec("category", "SSTR-directed imaging result", ("positive", "negative")),
    "fdg": FactSpec("category", "FDG PET result", ("positive", "negative")),
    "krenning": FactSpec("int", "Krenning score 0-4"),
    "syndrome": FactSpec("category", "functional syndrome; 'none' when stated absent",
                         (*SYNDROMES, "none")),
    "functional": FactSpec("bool", "a functional syndrome is present"),
    "hereditary": FactSpec("category", "hereditary syndrome; 'none' when stated absent",
                           (*HEREDITARY, "none")),
    "stage": FactSpec("category", "extent", ("localized", "locoregional", "metastatic")),
    "advanced": FactSpec("bool", "metastatic, or locoregional and unresectable"),
    "resectable": FactSpec("bool", "disease is resectable"),
    "metastases": FactSpec("list", "metastatic sites"),
    "liver_metastases": FactSpec("bool", "liver metastases present"),
    "liver_dominant": FactSpec("bool", "liver is the only metastatic site"),
    "liver_burden": FactSpec("number", "liver tumor burden, percent of liver volume"),
    "bone_metastases_count": FactSpec("int", "number of bone metastases"),
    "line": FactSpec("int", "line of systemic therapy now to be chosen (prior lines + 1)"),
    "prior_therapies": FactSpec("list", "ids of prior therapies and their component drugs"),
    "prior_classes": FactSpec("list", "therapy classes of prior therapies"),
    "progressed_on": FactSpec("list", "ids of prior therapies that ended in progression"),
    "progressed_on_classes": FactSpec("list", "classes of prior therapies that ended in progression"),
    "intolerant_of": FactSpec("list", "ids of prior therapies stopped for toxicity"),
    "responded_to": FactSpec("list", "ids of prior therapies with complete or partial response"),
    "symptomatic_progression_on": FactSpec("list", "ids of prior therapies with symptomatic progression"),
    "symptomatic_progression_on_classes": FactSpec(
        "list", "classes of prior therapies with symptomatic progression"),
    "radiological_progression_on_classes": FactSpec(
        "list", "classes of prior therapies with radiological progression"),
    "progression_type": FactSpec("category", "type of the most recent progression",
                                 ("radiological", "symptomatic", "both")),
    "completed_courses": FactSpec("list", "ids of prior therapies given as a completed course"),
    "ongoing_therapies": FactSpec("list", "ids of therapies still being given"),
    "anti_secretory_resistance": FactSpec("bool", "functional tumor with symptomatic (hormonal) "
                                          "progression on an SSA"),
    "last_therapy": FactSpec("category", "id of the most recent therapy"),
    "last_class": FactSpec("list", "classes of the most recent therapy"),
    "age": FactSpec("number", "age in years"),
    "sex": FactSpec("category", "sex", ("female", "male", "other")),
    "ecog": FactSpec("int", "ECOG performance status 0-4"),
    "diabetes": FactSpec("bool", "diabetes mellitus"),
    "egfr": FactSpec("number", "estimated GFR, mL/min/1.73 m^2"),
    "bowel_movements_per_day": FactSpec("number", "bowel movements per day"),
    "msi": FactSpec("category", "microsatellite status", ("high", "stable")),
    "tmb": FactSpec("number", "tumor mutational burden, mutations/Mb"),
    "mgmt_promoter": FactSpec("category", "MGMT promoter", ("methylated", "unmethylated")),
    "altered_genes": FactSpec("list", "HGNC symbols with a reported alteration"),
    "alterations": FactSpec("list", "normalised 'GENE alteration' strings, e.g. 'BRAF V600E'"),
    "biomarkers": FactSpec("list", "ids of knowledge-base biomarker assertions the case matches"),
    "chromogranin_a": FactSpec("number", "chromogranin A"),
    "u5hiaa": FactSpec("number", "urinary 5-HIAA"),
    "nlr": FactSpec("number", "neutrophil-to-lymphocyte ratio"),
    "crp": FactSpec("number", "C-reactive protein"),
}

# IHC results are an open family: ``ihc.DLL3``, ``ihc.RB1``, ...
IHC_PREFIX = "ihc."
IHC_VALUES = ("positive", "negative", "loss", "retained", "aberrant", "wild_type",
              "deficient", "proficient", "high", "low")


def spec_for(name: str) -> FactSpec | None:
    """The spec of a fact name, including the ``ihc.<MARKER>`` family."""
    if name.startswith(IHC_PREFIX) and len(name) > len(IHC_PREFIX):
        return FactSpec("category", f"IHC result for {name[len(IHC_PREFIX):]}", IHC_VALUES)
    return FACTS.get(name)
