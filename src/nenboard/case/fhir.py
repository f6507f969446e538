"""Read an mCODE (STU4, FHIR R4) Bundle into a nenboard case: map what maps, list what did not.

Parsing uses ``fhir.resources.R4B`` (structural validation of every resource).
The mapping is deliberately conservative: a FHIR element becomes a case fact
only when its code says exactly what it is; anything else is listed in
``unmapped`` with the reason, never guessed. Names, identifiers, addresses and
other direct identifiers are never copied (only age and sex are derived from
Patient). The table of codes is in docs/service.md ("FHIR mapping").

Units: Ki-67 in percent; chromogranin A in ng/mL (= ug/L); 24-hour urinary
5-HIAA in mg/24 h; TMB in mutations/Mb. Other units are listed as unmapped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nenboard.errors import InputError, Problem
from nenboard.knowledge.loader import KnowledgeBase

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
HGNC = "http://www.genenames.org/geneId"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
HISTOLOGY_EXT = MCODE + "mcode-histology-morphology-behavior"
TERMINATION_EXT = MCODE + "mcode-treatment-termination-reason"
# nenboard's own code system for case facts no standard code covers (SSTR imaging,
# mitoses per 2 mm^2, ...): the code is the case path, e.g. "imaging.sstr".
NENBOARD_FACTS = "https://nenboard.org/fhir/CodeSystem/case-facts"
LOCAL_PATHS = ("tumor.mitoses", "tumor.stage", "tumor.resectable", "tumor.liver_tumor_burden",
               "tumor.bone_metastases_count", "tumor.minen_fraction", "tumor.functional_syndrome",
               "tumor.hereditary_syndrome", "imaging.sstr", "imaging.krenning", "imaging.fdg",
               "molecular.mgmt_promoter", "molecular.pdl1_cps", "patient.egfr",
               "symptoms.bowel_movements_per_day", "symptoms.flushing_episodes_per_day",
               "labs.nlr", "labs.crp", "labs.ldh", "labs.nse")

# LOINC observation codes nenboard maps (verified against published LOINC usage).
KI67 = "29593-1"            # Cells.Ki-67 nuclear Ag/cells in Tissue by Immune stain
HISTOLOGIC_GRADE = "33732-9"  # Histology grade [Identifier] in Cancer specimen (mCODE HistologicGrade)
ECOG = "89247-1"            # ECOG Performance Status score
CHROMOGRANIN_A = "9811-1"   # Chromogranin A [Mass/volume] in Serum or Plasma
U5HIAA_24H = "1695-6"       # 5-Hydroxyindoleacetate [Mass/time] in 24 hour Urine
MSI = "81695-9"             # Microsatellite instability [Interpretation] in Cancer specimen
TMB = "94076-7"             # Mutations/Megabase [# Ratio] in Tumor
GENE_STUDIED = "48018-6"    # Gene studied [ID]
AA_CHANGE = "48005-3"       # Amino acid change (pHGVS)
DNA_CHANGE_TYPE = "48019-4"  # DNA change type (copy number gain/loss ...)
ALLELE_FREQ = "81258-6"     # Sample variant allelic frequency [NFr]
VARIANT_ASSESSMENT = "69548-6"  # Genetic variant assessment (GenomicVariant profile code)

ECOG_ANSWERS = {"LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4}

# ICD-O-3 morphology -> (differentiation, morphology, functional syndrome)
ICDO3_MORPHOLOGY: dict[str, tuple[str | None, str | None, str | None]] = {
    "8240/3": ("well", None, None),   # neuroendocrine tumor G1 / carcinoid
    "8249/3": ("well", None, None),   # neuroendocrine tumor G2/G3 / atypical carcinoid
    "8241/3": ("well", None, None),   # EC-cell, serotonin-producing NET
    "8242/3": ("well", None, None),   # ECL-cell NET
    "8150/3": ("well", None, None),   # pancreatic NET, non-functioning
    "8151/3": ("well", None, "insulinoma"),
    "8152/3": ("well", None, "glucagonoma"),
    "8153/3": ("well", None, "gastrinoma"),
    "8155/3": ("well", None, "vipoma"),
    "8156/3": ("well", None, "somatostatinoma"),
    "8246/3": ("poor", None, None),   # neuroendocrine carcinoma NOS
    "8041/3": ("poor", "small_cell", None),
    "8013/3": ("poor", "large_cell", None),
}
MINEN_MORPHOLOGY = ("8154/3", "8244/3")

# SNOMED CT body structures -> primary site / metastasis site vocabulary
SNOMED_SITES = {
    "15776009": "pancreas", "38848004": "duodenum", "21306003": "jejunum_ileum",
    "34516001": "jejunum_ileum", "30315005": "jejunum_ileum", "66754008": "appendix",
    "71854001": "colon", "34402009": "rectum", "69695003": "stomach", "32849002": "esophagus",
    "28231008": "gallbladder_biliary", "10200004": "liver",
}
SNOMED_METASTASES = {"10200004": "liver", "59441001": "lymph_node", "272673000": "bone",
                     "15425007": "peritoneum", "39607008": "lung", "12738006": "brain"}
# ICD-O-3 topography / ICD-10-CM prefixes -> primary site (longest prefix wins)
TOPOGRAPHY = {
    "C15": "esophagus", "C16": "stomach", "C17.0": "duodenum", "C17.1": "jejunum_ileum",
    "C17.2": "jejunum_ileum", "C17.9": "jejunum_ileum", "C18.1": "appendix", "C18": "colon",
    "C19": "rectum", "C20": "rectum", "C22": "liver", "C23": "gallbladder_biliary",
    "C24.0": "gallbladder_biliary", "C24.1": "ampulla", "C25": "pancreas", "C80": "unknown",
    "C7A.010": "duodenum", "C7A.011": "jejunum_ileum", "C7A.012": "jejunum_ileum",
    "C7A.019": "jejunum_ileum", "C7A.020": "appendix", "C7A.021": "colon", "C7A.022": "colon",
    "C7A.023": "colon", "C7A.024": "colon", "C7A.025": "colon", "C7A.026": "rectum",
    "C7A.029": "colon", "C7A.092": "stomach", "C7A.00": "unknown",
}
SITE_WORDS = (("pancrea", "pancreas"), ("duoden", "duodenum"), ("ampull", "ampulla"),
              ("ileum", "jejunum_ileum"), ("ileal", "jejunum_ileum"), ("jejun", "jejunum_ileum"),
              ("small intestin", "jejunum_ileum"), ("appendi", "appendix"), ("rect", "rectum"),
              ("colon", "colon"), ("stomach", "stomach"), ("gastric", "stomach"),
              ("esophag", "esophagus"), ("oesophag", "esophagus"), ("gallbladder",
              "gallbladder_biliary"), ("biliary", "gallbladder_biliary"))
METASTASIS_WORDS = (("liver", "liver"), ("hepat", "liver"), ("lymph", "lymph_node"),
                    ("bone", "bone"), ("perito", "peritoneum"), ("lung", "lung"),
                    ("brain", "brain"), ("mesenter", "mesentery"), ("ovar", "ovary"))
TERMINATION_SNOMED = {"266721009": "progression", "407563006": "toxicity", "281647001": "toxicity",
                      "182992009": "completed"}
DIABETES_SNOMED = {"73211009", "44054006", "46635009"}
DONE_STATUSES = {"entered-in-error", "cancelled", "registered"}


@dataclass
class FhirImport:
    """The mapped case document, with provenance and what did not map."""

    case: dict[str, Any]
    mapped: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "mapped": self.mapped, "unmapped": self.unmapped}


# -- small helpers ------------------------------------------------------------------------
def _codings(cc: Any) -> list[Any]:
    return list(getattr(cc, "coding", None) or []) if cc is not None else []


def _code_in(cc: Any, system: str, codes: set[str] | dict[str, Any] | str) -> str | None:
    wanted = {codes} if isinstance(codes, str) else set(codes)
    for c in _codings(cc):
        if (c.system or "").rstrip("/") == system.rstrip("/") and c.code in wanted:
            return c.code
    return None


def _texts(cc: Any) -> list[str]:
    if cc is None:
        return []
    out = [cc.text] if getattr(cc, "text", None) else []
    return out + [c.display for c in _codings(cc) if c.display]


def _label(res: Any) -> str:
    return f"{res.get_resource_type()}/{res.id}" if getattr(res, "id", None) else \
        res.get_resource_type()


def _date(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    return text[:10]


def _words(texts: list[str], table: tuple[tuple[str, str], ...]) -> str | None:
    low = " ".join(texts).lower()
    for word, value in table:
        if word in low:
            return value
    return None


def _profiles(res: Any) -> list[str]:
    meta = getattr(res, "meta", None)
    return [str(p) for p in (getattr(meta, "profile", None) or [])]


class _Mapper:
    def __init__(self, kb: KnowledgeBase | None, today: dt.date) -> None:
        self.kb, self.today = kb, today
        self.case: dict[str, Any] = {}
        self.mapped: list[dict[str, Any]] = []
        self.unmapped: list[dict[str, Any]] = []
        self._when: dict[str, str] = {}
        self.history: list[tuple[str, dict[str, Any]]] = []

    # -- recording ---------------------------------------------------------------------
    def put(self, path: str, value: Any, res: Any, how: str, when: str | None = None) -> None:
        """Set a case fact; a later-dated observation of the same fact wins."""
        section, _, key = path.partition(".")
        target = self.case.setdefault(section, {})
        if key in target and target[key] == value:
            return
        if key in target:
            old = self._when.get(path) or ""
            if (when or "") < old:
                self.skip(res, path, f"an observation dated {old} is newer")
                return
            self.skip_previous(path)
        target[key] = value
        self._when[path] = when or ""
        self.mapped.append({"resource": _label(res), "field": path, "value": value, "from": how})

    def skip_previous(self, path: str) -> None:
        for m in self.mapped:
            if m["field"] == path and not m.get("superseded"):
                m["superseded"] = True
                self.unmapped.append({"resource": m["resource"], "item": path,
                                      "reason": "superseded by a newer observation"})

    def add_metastasis(self, site: str, res: Any, how: str) -> None:
        sites = self.case.setdefault("tumor", {}).setdefault("metastases", [])
        if site not in sites:
            sites.append(site)
            self.mapped.append({"resource": _label(res), "field": "tumor.metastases",
                                "value": site, "from": how})

    def skip(self, res: Any, item: str, reason: str) -> None:
        self.unmapped.append({"resource": _label(res), "item": item, "reason": reason})

    # -- resources ---------------------------------------------------------------------
    def patient(self, res: Any) -> None:
        if res.gender in ("male", "female", "other"):
            self.put("patient.sex", res.gender, res, "Patient.gender")
        elif res.gender:
            self.skip(res, "Patient.gender", f"{res.gender!r} has no case equivalent")
        if res.birthDate:
            born = _date(res.birthDate) or ""
            year, month = int(born[:4]), int(born[5:7]) if len(born) >= 7 else 7
            age = self.today.year - year - ((self.today.month, 1) < (month, 1))
            if 0 <= age <= 120:
                self.put("patient.age", age, res, f"Patient.birthDate (age at {self.today})")
        if res.deceasedBoolean or res.deceasedDateTime:
            self.skip(res, "Patient.deceased", "not part of the case format")
        self.unmapped.append({"resource": _label(res), "item": "names, identifiers, contacts",
                              "reason": "never imported (no patient identifiers in nenboard)"})

    def condition(self, res: Any) -> None:
        profiles = " ".join(_profiles(res))
        if _code_in(res.code, SNOMED, DIABETES_SNOMED) or any(
                "diabetes" in t.lower() for t in _texts(res.code)):
            self.put("patient.diabetes", True, res, "Condition.code (diabetes mellitus)")
            return
        if "secondary-cancer-condition" in profiles:
            self.secondary(res)
            return
        if "primary-cancer-condition" in profiles or self._looks_primary(res):
            self.primary(res)
            return
        self.skip(res, "Condition", "not a primary/secondary cancer condition nenboard reads")

    def _looks_primary(self, res: Any) -> bool:
        texts = " ".join(_texts(res.code)).lower()
        return any(w in texts for w in ("neuroendocrine", "carcinoid", "small cell")) or any(
            (c.code or "").startswith(("C7A", "C25.4")) for c in _codings(res.code))

    def primary(self, res: Any) -> None:
        site = None
        for bs in res.bodySite or []:
            site = site or next((SNOMED_SITES[c.code] for c in _codings(bs)
                                 if (c.system or "") == SNOMED and c.code in SNOMED_SITES), None)
            site = site or self._topography(bs)
            if site is None and (word := _words(_texts(bs), SITE_WORDS)):
                site = word
        site = site or self._topography(res.code)
        if site:
            self.put("tumor.primary_site", site, res, "PrimaryCancerCondition bodySite/code")
        else:
            self.skip(res, "primary site", "no body site nenboard recognises")
        morph = None
        for ext in res.extension or []:
            if ext.url == HISTOLOGY_EXT:
                morph = ext.valueCodeableConcept
        self.histology(res, morph)
        stage = getattr(res, "stage", None) or []
        if stage:
            self.skip(res, "Condition.stage", "stage groups are not mapped; nenboard reads "
                      "distant spread from SecondaryCancerCondition resources")

    def _topography(self, cc: Any) -> str | None:
        best = None
        for c in _codings(cc):
            if (c.system or "") in (ICDO3, ICD10CM) and c.code:
                code = c.code.upper()
                hits = [p for p in TOPOGRAPHY if code.startswith(p)]
                if hits:
                    best = TOPOGRAPHY[max(hits, key=len)]
        return best

    def histology(self, res: Any, morph: Any) -> None:
        how = "histology-morphology-behavior (ICD-O-3)"
        code = _code_in(morph, ICDO3, set(ICDO3_MORPHOLOGY) | set(MINEN_MORPHOLOGY))
        if code is None and any((c.code or "").upper().startswith("C7A.1")
                                for c in _codings(res.code)):
            self.put("tumor.differentiation", "poor", res, "Condition.code ICD-10-CM C7A.1")
            return
        if code in MINEN_MORPHOLOGY:
            self.skip(res, "histology", f"ICD-O-3 {code} (mixed neuroendocrine-non-neuroendocrine "
                      "neoplasm): enter the differentiation and minen_fraction by hand")
            return
        if code:
            differentiation, morphology, syndrome = ICDO3_MORPHOLOGY[code]
        else:
            texts = _texts(morph) + _texts(res.code)
            differentiation, morphology, syndrome = _histology_words(texts)
            how = "histology/condition text"
            if differentiation is None:
                self.skip(res, "histology", "no ICD-O-3 morphology or recognisable text")
                return
        self.put("tumor.differentiation", differentiation, res, how)
        if morphology:
            self.put("tumor.morphology", morphology, res, how)
        if syndrome:
            self.put("tumor.functional_syndrome", syndrome, res, how)

    def secondary(self, res: Any) -> None:
        found = False
        for bs in res.bodySite or []:
            site = next((SNOMED_METASTASES[c.code] for c in _codings(bs)
                         if (c.system or "") == SNOMED and c.code in SNOMED_METASTASES), None)
            site = site or _words(_texts(bs), METASTASIS_WORDS)
            if site:
                found = True
                self.add_metastasis(site, res, "SecondaryCancerCondition.bodySite")
                if site != "lymph_node":
                    self.put("tumor.stage", "metastatic", res,
                             "SecondaryCancerCondition (distant site)")
        if not found:
            self.skip(res, "SecondaryCancerCondition.bodySite", "no site nenboard recognises")

    def observation(self, res: Any) -> None:
        if res.status in DONE_STATUSES:
            self.skip(res, "Observation", f"status {res.status!r}")
            return
        when = _date(res.effectiveDateTime or (res.effectivePeriod and res.effectivePeriod.start)
                     or res.issued)
        code = res.code
        local = next((c.code for c in _codings(code) if (c.system or "") == NENBOARD_FACTS), None)
        if local:
            self.local_fact(res, local, when)
        elif _code_in(code, LOINC, KI67):
            self.quantity(res, "tumor.ki67", {"%", "percent"}, when, "LOINC 29593-1 Ki-67")
        elif _code_in(code, LOINC, ECOG):
            self.ecog(res, when)
        elif _code_in(code, LOINC, CHROMOGRANIN_A):
            self.quantity(res, "labs.chromogranin_a", {"ng/mL", "ug/L", "µg/L", "ng/ml"}, when,
                          "LOINC 9811-1 chromogranin A")
        elif _code_in(code, LOINC, U5HIAA_24H):
            self.quantity(res, "labs.u5hiaa", {"mg/(24.h)", "mg/d", "mg/24h", "mg/24 h"}, when,
                          "LOINC 1695-6 urinary 5-HIAA (24 h)")
        elif _code_in(code, LOINC, TMB):
            self.quantity(res, "molecular.tmb", None, when, "LOINC 94076-7 TMB")
        elif _code_in(code, LOINC, MSI):
            self.msi(res, when)
        elif _code_in(code, LOINC, HISTOLOGIC_GRADE):
            value = "; ".join(_texts(res.valueCodeableConcept)) or "a grade"
            self.skip(res, "histologic grade", f"recorded as {value!r}; nenboard derives the "
                      "WHO grade from Ki-67 and mitoses (send a Ki-67 Observation, LOINC 29593-1)")
        elif _code_in(code, LOINC, VARIANT_ASSESSMENT) or any(
                "genomic-variant" in p or p.endswith("/variant") for p in _profiles(res)):
            self.variant(res)
        else:
            shown = ", ".join(f"{c.system or '?'}|{c.code}" for c in _codings(code)) or "no code"
            self.skip(res, "Observation", f"code not mapped ({shown})")

    def quantity(self, res: Any, path: str, units: set[str] | None, when: str | None,
                 how: str) -> None:
        q = res.valueQuantity
        if q is None or q.value is None:
            self.skip(res, path, "no numeric valueQuantity")
            return
        unit = q.code or q.unit
        if units is not None and unit and unit not in units:
            self.skip(res, path, f"unit {unit!r} not accepted; nenboard reads {sorted(units)[0]}")
            return
        if q.comparator:
            self.skip(res, path, f"value is {q.comparator}{q.value}, not a measurement")
            return
        self.put(path, float(q.value), res, how, when)

    def ecog(self, res: Any, when: str | None) -> None:
        value = res.valueInteger
        if value is None and res.valueCodeableConcept is not None:
            code = _code_in(res.valueCodeableConcept, LOINC, ECOG_ANSWERS)
            value = ECOG_ANSWERS.get(code or "")
        if value is None or not 0 <= int(value) <= 4:
            self.skip(res, "patient.ecog", "no ECOG score 0-4 in the value")
            return
        self.put("patient.ecog", int(value), res, "LOINC 89247-1 ECOG", when)

    def msi(self, res: Any, when: str | None) -> None:
        text = " ".join([*_texts(res.valueCodeableConcept), res.valueString or ""]).lower()
        value = ("high" if re.search(r"msi[- ]?h|instability[- ]high|\bhigh\b", text)
                 else "stable" if re.search(r"\bmss\b|stable", text) else None)
        if value is None:
            self.skip(res, "molecular.msi", f"value {text.strip()!r} is not MSI-high or stable")
            return
        self.put("molecular.msi", value, res, "LOINC 81695-9 MSI", when)

    def variant(self, res: Any) -> None:
        if any(t.lower() in ("absent", "negative", "not detected") for t in
               _texts(res.valueCodeableConcept)):
            self.skip(res, "GenomicVariant", "variant reported absent")
            return
        gene = change = kind = vaf = None
        for comp in res.component or []:
            if _code_in(comp.code, LOINC, GENE_STUDIED):
                cc = comp.valueCodeableConcept
                gene = next((c.display for c in _codings(cc) if c.display), None) or (
                    cc.text if cc is not None else None)
            elif _code_in(comp.code, LOINC, AA_CHANGE):
                cc = comp.valueCodeableConcept
                change = comp.valueString or next(
                    (c.code or c.display for c in _codings(cc)), None) or (cc.text if cc else None)
            elif _code_in(comp.code, LOINC, DNA_CHANGE_TYPE):
                kind = " ".join(_texts(comp.valueCodeableConcept)).lower()
            elif _code_in(comp.code, LOINC, ALLELE_FREQ) and comp.valueQuantity is not None:
                vaf = float(comp.valueQuantity.value) if comp.valueQuantity.value is not None \
                    else None
        if not change and kind:
            change = ("amplification" if "gain" in kind or "amplif" in kind
                      else "loss" if "loss" in kind or "deletion" in kind else None)
        if not gene or not change:
            self.skip(res, "GenomicVariant", "needs a gene studied (48018-6) and an amino-acid "
                      "change (48005-3) or a copy-number change type (48019-4)")
            return
        item: dict[str, Any] = {"gene": gene, "alteration": change}
        if vaf is not None and 0 <= vaf <= 1:
            item["vaf"] = vaf
        self.case.setdefault("molecular", {}).setdefault("alterations", []).append(item)
        self.mapped.append({"resource": _label(res), "field": "molecular.alterations",
                            "value": f"{gene} {change}", "from": "GenomicVariant components"})

    def local_fact(self, res: Any, path: str, when: str | None) -> None:
        if path not in LOCAL_PATHS:
            self.skip(res, path, "not a nenboard case-facts code")
            return
        value: Any = None
        for attr in ("valueQuantity", "valueInteger", "valueBoolean", "valueString",
                     "valueCodeableConcept"):
            v = getattr(res, attr, None)
            if v is None:
                continue
            value = (float(v.value) if attr == "valueQuantity" and v.value is not None
                     else (v.coding[0].code if v.coding else v.text) if attr ==
                     "valueCodeableConcept" else v)
            break
        if value is None:
            self.skip(res, path, "no value")
            return
        self.put(path, value, res, f"{NENBOARD_FACTS}#{path}", when)

    def medication(self, res: Any, resources: dict[str, Any]) -> None:
        kind = res.get_resource_type()
        if res.status in DONE_STATUSES or res.status == "draft":
            self.skip(res, kind, f"status {res.status!r}")
            return
        names = self._medication_names(res, resources)
        tid = next((t for n in names if self.kb and (t := self.kb.resolve_therapy(n))), None)
        if not names:
            self.skip(res, kind, "no medication name or code")
            return
        if self.kb is not None and tid is None:
            self.skip(res, kind, f"{names[0]!r} is not a therapy in the knowledge base")
            return
        start = end = None
        if kind == "MedicationRequest":
            bounds = next((d.timing.repeat.boundsPeriod for d in res.dosageInstruction or []
                           if d.timing and d.timing.repeat and d.timing.repeat.boundsPeriod), None)
            start = _date(bounds.start if bounds else res.authoredOn)
            end = _date(bounds.end) if bounds else None
        else:
            period = res.effectivePeriod
            start = _date(period.start if period else res.effectiveDateTime)
            end = _date(period.end) if period else None
        entry: dict[str, Any] = {"therapy": names[0] if self.kb is None else
                                 (self.kb.therapy(tid).name if self.kb.therapy(tid) else names[0])}
        if start:
            entry["start"] = start
        if end:
            entry["end"] = end
        reason = self._termination(res)
        if reason:
            entry["reason_stopped"] = reason
        elif res.status == "active" and not end:
            entry["reason_stopped"] = "ongoing"
        self.history.append((tid or names[0], entry))
        self.mapped.append({"resource": _label(res), "field": "history",
                            "value": entry["therapy"], "from": f"{kind} medication"})

    def _medication_names(self, res: Any, resources: dict[str, Any]) -> list[str]:
        cc = getattr(res, "medicationCodeableConcept", None)
        ref = getattr(res, "medicationReference", None)
        if cc is None and ref is not None and ref.reference:
            med = resources.get(ref.reference) or resources.get(ref.reference.split("/")[-1])
            cc = getattr(med, "code", None)
        names = _texts(cc)
        if ref is not None and ref.display:
            names.append(ref.display)
        return names

    def _termination(self, res: Any) -> str | None:
        for ext in res.extension or []:
            if ext.url == TERMINATION_EXT and ext.valueCodeableConcept is not None:
                code = _code_in(ext.valueCodeableConcept, SNOMED, TERMINATION_SNOMED)
                if code:
                    return TERMINATION_SNOMED[code]
                text = " ".join(_texts(ext.valueCodeableConcept)).lower()
                for word, value in (("progress", "progression"), ("toxic", "toxicity"),
                                    ("not tolerated", "toxicity"), ("complete", "completed")):
                    if word in text:
                        return value
        reasons = getattr(res, "statusReason", None)
        reasons = reasons if isinstance(reasons, list) else [reasons] if reasons else []
        text = " ".join(t for r in reasons for t in _texts(r)).lower()
        return "progression" if "progress" in text else "toxicity" if "toxic" in text else None

    def finish(self) -> dict[str, Any]:
        """History earliest first; consecutive orders of the same therapy merged into one line."""
        rows = sorted(self.history, key=lambda h: h[1].get("start") or "9999")
        merged: list[tuple[str, dict[str, Any]]] = []
        for tid, entry in rows:
            if merged and merged[-1][0] == tid:
                last = merged[-1][1]
                last["end"] = max(filter(None, [last.get("end"), entry.get("end")]), default=None)
                if last["end"] is None:
                    last.pop("end")
                if entry.get("reason_stopped"):
                    last["reason_stopped"] = entry["reason_stopped"]
                continue
            merged.append((tid, dict(entry)))
        if merged:
            self.case["history"] = [e for _, e in merged]
        return self.case


def _histology_words(texts: list[str]) -> tuple[str | None, str | None, str | None]:
    low = " ".join(texts).lower()
    if "small cell" in low and "non-small" not in low:
        return "poor", "small_cell", None
    if "large cell neuroendocrine" in low:
        return "poor", "large_cell", None
    if "neuroendocrine carcinoma" in low or "poorly differentiated" in low:
        return "poor", None, None
    if "neuroendocrine tumo" in low or "carcinoid" in low or "well differentiated" in low \
            or "well-differentiated" in low:
        return "well", None, None
    return None, None, None


def _parse_bundle(data: Any) -> Any:
    from fhir.resources.R4B.bundle import Bundle

    if not isinstance(data, dict):
        raise InputError.single("", "expected a FHIR Bundle (a JSON object)", source="FHIR")
    if data.get("resourceType") != "Bundle":
        raise InputError.single("resourceType", "expected 'Bundle'",
                                data.get("resourceType") if isinstance(
                                    data.get("resourceType"), str) else None, source="FHIR")
    try:
        return Bundle.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(".".join(str(p) for p in e["loc"]), e["msg"]) for e in
                    exc.errors()[:20]]
        raise InputError(problems, source="FHIR") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError.single("entry", f"not a FHIR R4 resource ({exc})",
                                source="FHIR") from None


def bundle_to_case(data: Any, kb: KnowledgeBase | None = None,
                   today: dt.date | None = None) -> FhirImport:
    """Map an mCODE Bundle (parsed JSON) to a case document; nothing is guessed.

    ``today`` is the reference date for the age; default: the Bundle's timestamp,
    else the current date.
    """
    bundle = _parse_bundle(data)
    ref = today or (bundle.timestamp.date() if getattr(bundle, "timestamp", None) else None) \
        or dt.date.today()
    resources = [e.resource for e in bundle.entry or [] if e.resource is not None]
    index: dict[str, Any] = {}
    for e in bundle.entry or []:
        if e.resource is not None:
            if e.fullUrl:
                index[str(e.fullUrl)] = e.resource
            if e.resource.id:
                index[f"{e.resource.get_resource_type()}/{e.resource.id}"] = e.resource
                index[e.resource.id] = e.resource
    patients = [r for r in resources if r.get_resource_type() == "Patient"]
    if len(patients) > 1:
        raise InputError.single("entry", f"the bundle holds {len(patients)} patients; send one "
                                "patient's bundle", source="FHIR")
    m = _Mapper(kb, ref)
    for res in resources:
        kind = res.get_resource_type()
        if kind == "Patient":
            m.patient(res)
        elif kind == "Condition":
            m.condition(res)
        elif kind == "Observation":
            m.observation(res)
        elif kind in ("MedicationRequest", "MedicationStatement", "MedicationAdministration"):
            m.medication(res, index)
        elif kind == "Medication":
            continue  # read through medicationReference
        else:
            m.skip(res, kind, "resource type not mapped")
    case = m.finish()
    return FhirImport(case=case, mapped=m.mapped, unmapped=m.unmapped)


__all__ = ["NENBOARD_FACTS", "FhirImport", "bundle_to_case"]
