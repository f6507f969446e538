"""Human wording of a case: every fact the user entered, in words a clinician reads.

Names come from the knowledge base (sites, syndromes, therapies); values are
formatted with their units as the case format defines them (Ki-67 %, mitoses
per 2 mm², eGFR mL/min/1.73 m²). Labs the case format gives no unit for are
printed as entered. Nothing here adds a clinical fact: a row says what the
user stated, or that it was not stated.
"""

from __future__ import annotations

from typing import Any

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.report.model import CaseFact

LAB_NAMES = {
    "chromogranin_a": "chromogranin A", "u5hiaa": "urinary 5-HIAA", "nlr": "NLR", "crp": "CRP",
    "ldh": "LDH", "alkaline_phosphatase": "alkaline phosphatase", "gastrin": "gastrin",
    "nse": "NSE", "creatinine": "creatinine", "platelets": "platelets",
    "hemoglobin": "haemoglobin", "neutrophils": "neutrophils", "bilirubin": "bilirubin",
    "albumin": "albumin",
}
METASTASIS_NAMES = {"lymph_node": "lymph nodes"}
RESPONSE_NAMES = {"complete_response": "complete response", "partial_response": "partial response",
                  "stable_disease": "stable disease", "progressive_disease": "progressive disease"}


def num(value: Any) -> str:
    """12.0 -> '12', 2.5 -> '2.5' (no trailing zeros, no exponent)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def words(value: Any) -> str:
    return str(value).replace("_", " ")


def _yes_no(value: bool | None, yes: str, no: str) -> str | None:
    return None if value is None else (yes if value else no)


def patient_text(p: dict[str, Any]) -> str:
    sex = {"female": "woman", "male": "man"}.get(p.get("sex", ""), p.get("sex"))
    who = (f"{num(p['age'])}-year-old {sex or 'patient'}" if p.get("age") is not None
           else (sex or "patient, age not stated"))
    parts = [who]
    if p.get("ecog") is not None:
        parts.append(f"ECOG {p['ecog']}")
    if p.get("egfr") is not None:
        parts.append(f"eGFR {num(p['egfr'])} mL/min/1.73 m²")
    if (d := _yes_no(p.get("diabetes"), "diabetes", "no diabetes")) is not None:
        parts.append(d)
    return ", ".join(parts)


def site_name(site: str | None, kb: KnowledgeBase) -> str:
    if not site:
        return "primary site not stated"
    rec = kb.sites.get(site)
    return rec.name if rec else words(site)


def syndrome_name(sid: str | None, kb: KnowledgeBase) -> str | None:
    if not sid:
        return None
    rec = kb.syndromes.get(sid)
    return rec.name if rec else words(sid)


def _stated(sid: str | None, absent: str, kb: KnowledgeBase) -> str | None:
    """A syndrome's name, or ``absent`` when the case states there is none."""
    return absent if sid == "none" else syndrome_name(sid, kb)


def therapy_name(entry: dict[str, Any], kb: KnowledgeBase) -> str:
    """The knowledge base's name when the therapy resolved, else the user's words."""
    rec = kb.therapy(entry.get("therapy_id") or "") if entry.get("therapy_id") else None
    return rec.name if rec else str(entry.get("therapy", "?"))


def pathology_text(t: dict[str, Any], kb: KnowledgeBase) -> str:
    parts = [site_name(t.get("primary_site"), kb)]
    if t.get("differentiation"):
        parts.append({"well": "well differentiated", "poor": "poorly differentiated"}
                     .get(t["differentiation"], f"{t['differentiation']} differentiated"))
    if t.get("morphology"):
        parts.append(f"{words(t['morphology'])} morphology")
    parts.append(f"Ki-67 {num(t['ki67'])}%" if t.get("ki67") is not None else "Ki-67 not stated")
    if t.get("mitoses") is not None:
        parts.append(f"{num(t['mitoses'])} {'mitosis' if t['mitoses'] == 1 else 'mitoses'}"
                     "/2 mm²")
    if t.get("minen_fraction") is not None:
        parts.append(f"non-neuroendocrine component {num(round(t['minen_fraction'] * 100, 1))}%")
    return ", ".join(parts)


def extent_text(t: dict[str, Any]) -> str:
    parts = [t.get("stage") or "stage not stated"]
    if mets := t.get("metastases"):
        parts[0] += " (" + ", ".join(METASTASIS_NAMES.get(m, words(m)) for m in mets) + ")"
    if (r := _yes_no(t.get("resectable"), "resectable", "not resectable")) is not None:
        parts.append(r)
    if t.get("liver_tumor_burden") is not None:
        parts.append(f"liver tumour burden {num(t['liver_tumor_burden'])}%")
    if t.get("bone_metastases_count") is not None:
        parts.append(f"{t['bone_metastases_count']} bone metastases")
    return ", ".join(parts)


def imaging_text(img: dict[str, Any]) -> str:
    parts = []
    if img.get("sstr"):
        parts.append(f"SSTR imaging {img['sstr']}"
                     + (f" (Krenning {img['krenning']})" if img.get("krenning") is not None else ""))
    elif img.get("krenning") is not None:
        parts.append(f"Krenning {img['krenning']}")
    if img.get("fdg"):
        parts.append(f"FDG PET {img['fdg']}")
    return ", ".join(parts) or "not stated"


def history_entry_text(h: dict[str, Any], kb: KnowledgeBase) -> str:
    text = therapy_name(h, kb)
    when = " to ".join(x for x in (h.get("start"), h.get("end")) if x)
    if h.get("start") and not h.get("end"):
        when += " onwards"
    if when:
        text += f" ({when})"
    bits = []
    if h.get("cycles") is not None:
        bits.append(f"{h['cycles']} cycles")
    if h.get("best_response"):
        bits.append(f"best response {RESPONSE_NAMES.get(h['best_response'], words(h['best_response']))}")
    reason = h.get("reason_stopped")
    if reason == "progression":
        kind = h.get("progression_type")
        bits.append({"radiological": "stopped for radiological progression",
                     "symptomatic": "stopped for symptomatic progression",
                     "both": "stopped for radiological and symptomatic progression"}
                    .get(kind or "", "stopped for progression"))
    elif reason == "ongoing":
        bits.append("ongoing")
    elif reason:
        bits.append(f"stopped: {words(reason)}")
    if h.get("note"):
        bits.append(h["note"])
    return text + (": " + ", ".join(bits) if bits else "")


def history_short(h: dict[str, Any], kb: KnowledgeBase) -> str:
    """'octreotide LAR (radiological progression)' for the one-line summary."""
    reason = h.get("reason_stopped")
    why = (f"{h['progression_type']} progression" if reason == "progression"
           and h.get("progression_type") in ("radiological", "symptomatic") else
           "progression" if reason == "progression" else words(reason) if reason else None)
    return therapy_name(h, kb) + (f" ({why})" if why else "")


def molecular_text(m: dict[str, Any]) -> str | None:
    parts = []
    for a in m.get("alterations") or []:
        s = f"{a['gene']} {a['alteration']}"
        if a.get("vaf") is not None:
            s += f" (VAF {num(round(a['vaf'] * 100, 1))}%)"
        if a.get("germline"):
            s += " (germline)"
        parts.append(s)
    if m.get("msi"):
        parts.append("MSI-high" if m["msi"] == "high" else "microsatellite stable")
    if m.get("tmb") is not None:
        parts.append(f"TMB {num(m['tmb'])} mut/Mb")
    for marker, result in (m.get("ihc") or {}).items():
        parts.append(f"{marker} {words(result)} (IHC)")
    if m.get("mgmt_promoter"):
        parts.append(f"MGMT promoter {m['mgmt_promoter']}")
    if m.get("pdl1_cps") is not None:
        parts.append(f"PD-L1 CPS {num(m['pdl1_cps'])}")
    return ", ".join(parts) or None


def symptoms_text(s: dict[str, Any]) -> str | None:
    parts = []
    if s.get("bowel_movements_per_day") is not None:
        parts.append(f"{num(s['bowel_movements_per_day'])} bowel movements/day")
    if s.get("flushing_episodes_per_day") is not None:
        parts.append(f"{num(s['flushing_episodes_per_day'])} flushing episodes/day")
    for key, yes, no in (("hypoglycemia", "hypoglycaemia", "no hypoglycaemia"),
                         ("weight_loss", "weight loss", "no weight loss")):
        if (v := _yes_no(s.get(key), yes, no)) is not None:
            parts.append(v)
    return ", ".join(parts) or None


def labs_text(labs: dict[str, Any]) -> str | None:
    parts = [f"{LAB_NAMES.get(k, words(k))} {num(v)}" for k, v in labs.items() if v is not None]
    return ", ".join(parts) + " (units as entered)" if parts else None


def case_facts(case: dict[str, Any], kb: KnowledgeBase) -> list[CaseFact]:
    """Every fact of the case in words, one row per topic, in the case format's order."""
    t, img = case.get("tumor", {}), case.get("imaging", {})
    rows = [CaseFact(key="patient", label="Patient", text=patient_text(case.get("patient", {}))),
            CaseFact(key="pathology", label="Tumour", text=pathology_text(t, kb)),
            CaseFact(key="extent", label="Extent", text=extent_text(t))]
    syndromes = [x for x in (_stated(t.get("functional_syndrome"), "no functional syndrome", kb),
                             _stated(t.get("hereditary_syndrome"), "no hereditary syndrome", kb))
                 if x]
    if "functional_syndrome" in t or "hereditary_syndrome" in t:
        rows.append(CaseFact(key="syndrome", label="Syndrome", text=", ".join(syndromes)))
    rows.append(CaseFact(key="imaging", label="Imaging", text=imaging_text(img)))
    for key, label, text in (("symptoms", "Symptoms", symptoms_text(case.get("symptoms", {}))),
                             ("labs", "Labs", labs_text(case.get("labs", {}))),
                             ("molecular", "Molecular", molecular_text(case.get("molecular", {})))):
        if text:
            rows.append(CaseFact(key=key, label=label, text=text))
    history = case.get("history") or []
    rows.append(CaseFact(key="history", label="Treatment history",
                         text="; ".join(history_entry_text(h, kb) for h in history)
                         or "no prior therapy stated",
                         items=[history_entry_text(h, kb) for h in history],
                         short="; ".join(history_short(h, kb) for h in history) or None))
    if case.get("notes"):
        rows.append(CaseFact(key="notes", label="Notes", text=" ".join(case["notes"].split())))
    return rows


def patient_line(facts: list[CaseFact]) -> str:
    """The patient in one line: who, what tumour, how far, what was given."""
    by = {f.key: f for f in facts}
    parts = [by[k].text for k in ("patient", "pathology", "extent", "syndrome", "imaging")
             if k in by and by[k].text]
    history = by.get("history")
    if history and history.short:
        parts.append("after " + history.short)
    return " · ".join(parts)
