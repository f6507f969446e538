"""Protein-change parsing: one- and three-letter HGVS-like notation, with or without "p.".

``parse_protein_change`` returns a `ProteinChange` in canonical one-letter form
(``V600E``, ``R1450*``, ``K120fs``, ``E746_A750del``, ``X123_splice``) with its
consequence class, or None when the text is not a protein change. It never
raises on any string (property-tested).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

THREE_TO_ONE = {
    "ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q", "GLU": "E",
    "GLY": "G", "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K", "MET": "M", "PHE": "F",
    "PRO": "P", "SER": "S", "THR": "T", "TRP": "W", "TYR": "Y", "VAL": "V", "TER": "*",
    "SEC": "U", "PYL": "O", "XAA": "X",
}
ONE = "ACDEFGHIKLMNPQRSTVWYUO"
_AA3 = "|".join(sorted(THREE_TO_ONE, key=len, reverse=True))
_AA = rf"(?:{_AA3}|[{ONE}X*])"

# Consequence classes (vocabulary of this module)
MISSENSE, NONSENSE, FRAMESHIFT = "missense", "nonsense", "frameshift"
INFRAME_DEL, INFRAME_INS, INFRAME_DELINS, DUP = "inframe_del", "inframe_ins", "inframe_delins", "dup"
SPLICE, START_LOST, STOP_LOST, SYNONYMOUS = "splice", "start_lost", "stop_lost", "synonymous"
TRUNCATING = frozenset({NONSENSE, FRAMESHIFT, SPLICE, START_LOST})
PROTEIN_ALTERING = frozenset({MISSENSE, NONSENSE, FRAMESHIFT, INFRAME_DEL, INFRAME_INS,
                              INFRAME_DELINS, DUP, SPLICE, START_LOST, STOP_LOST})


@dataclass(frozen=True, slots=True)
class ProteinChange:
    canonical: str        # one-letter form, e.g. V600E
    consequence: str      # one of the classes above
    ref: str | None       # reference residue (one letter) at ``position``
    position: int | None  # first residue position
    alt: str | None       # alternative residue for substitutions


_FLAGS = re.IGNORECASE
_SUB = re.compile(rf"^({_AA})(\d+)({_AA}|=|\?)$", _FLAGS)
_FS = re.compile(rf"^({_AA})(\d+)(?:{_AA})?fs(?:\*|Ter|X)?(?:\d+|\?)?$", _FLAGS)
_RANGE = rf"({_AA})(\d+)(?:_({_AA})(\d+))?"
_DEL = re.compile(rf"^{_RANGE}del(?:{_AA}*)?$", _FLAGS)
_DUP = re.compile(rf"^{_RANGE}dup(?:{_AA}*)?$", _FLAGS)
_INS = re.compile(rf"^{_RANGE}ins((?:{_AA})+)$", _FLAGS)
_DELINS = re.compile(rf"^{_RANGE}delins((?:{_AA})+)$", _FLAGS)
_EXT = re.compile(rf"^(?:\*|Ter|X)(\d+)({_AA})ext(?:\*|Ter|X)?(?:\d+|\?)?$", _FLAGS)
_SPLICE = re.compile(r"^(?:X|\*)?(\d+)_splice$", _FLAGS)


def _one(aa: str) -> str:
    up = aa.upper()
    if len(up) == 3:
        return THREE_TO_ONE[up]
    return "*" if up == "X" else up


@lru_cache(maxsize=131072)
def parse_protein_change(text: str) -> ProteinChange | None:
    """Parse one protein change; None if ``text`` is not one. Never raises."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    if not s or len(s) > 80:
        return None
    if s[:2].lower() == "p.":
        s = s[2:]
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    s = s.strip()
    if not s or not s.isascii():
        return None
    try:
        return _parse(s)
    except (KeyError, ValueError, IndexError):
        return None


_FAST1 = re.compile(r"^([ACDEFGHIKLMNPQRSTVWY])(\d+)([ACDEFGHIKLMNPQRSTVWY*X])$")
_FAST3 = re.compile(r"^([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|\*)$")
_FASTFS = re.compile(r"^([ACDEFGHIKLMNPQRSTVWY])(\d+)(?:[ACDEFGHIKLMNPQRSTVWY])?fs(?:\*\d*|\*\?)?$")


def _fast(s: str) -> ProteinChange | None:
    """Common upper-case one-letter and Xxx three-letter forms without the big regexes."""
    m = _FAST1.match(s)
    if m is None:
        m3 = _FAST3.match(s)
        if m3 is not None:
            r3, a3 = m3.group(1).upper(), m3.group(3).upper()
            if r3 in THREE_TO_ONE and (a3 == "*" or a3 in THREE_TO_ONE):
                return _sub(THREE_TO_ONE[r3], int(m3.group(2)), "*" if a3 == "*" else
                            THREE_TO_ONE[a3])
            return None
        mf = _FASTFS.match(s)
        if mf is not None:
            pos = int(mf.group(2))
            return ProteinChange(f"{mf.group(1)}{pos}fs", FRAMESHIFT, mf.group(1), pos, None)
        return None
    alt = m.group(3)
    return _sub(m.group(1), int(m.group(2)), "*" if alt == "X" else alt)


def _sub(ref: str, pos: int, alt1: str) -> ProteinChange:
    if ref == "*" and alt1 != "*":
        return ProteinChange(f"*{pos}{alt1}", STOP_LOST, ref, pos, alt1)
    if alt1 == ref:
        return ProteinChange(f"{ref}{pos}=", SYNONYMOUS, ref, pos, alt1)
    if alt1 == "*":
        return ProteinChange(f"{ref}{pos}*", NONSENSE, ref, pos, alt1)
    if pos == 1 and ref == "M":
        return ProteinChange(f"M1{alt1}", START_LOST, ref, pos, alt1)
    return ProteinChange(f"{ref}{pos}{alt1}", MISSENSE, ref, pos, alt1)


def _parse(s: str) -> ProteinChange | None:
    fast = _fast(s)
    if fast is not None:
        return fast
    if m := _SPLICE.match(s):
        pos = int(m.group(1))
        return ProteinChange(f"X{pos}_splice", SPLICE, None, pos, None)
    if m := _SUB.match(s):
        ref, pos, alt = _one(m.group(1)), int(m.group(2)), m.group(3)
        if alt == "?":
            return ProteinChange("M1?", START_LOST, "M", 1, None) if (ref, pos) == ("M", 1) else None
        return _sub(ref, pos, ref if alt == "=" else _one(alt))
    if m := _FS.match(s):
        ref, pos = _one(m.group(1)), int(m.group(2))
        return ProteinChange(f"{ref}{pos}fs", FRAMESHIFT, ref, pos, None)
    if m := _EXT.match(s):
        pos = int(m.group(1))
        return ProteinChange(f"*{pos}{_one(m.group(2))}ext", STOP_LOST, "*", pos, None)
    for rx, cls, word in ((_DELINS, INFRAME_DELINS, "delins"), (_DEL, INFRAME_DEL, "del"),
                          (_DUP, DUP, "dup"), (_INS, INFRAME_INS, "ins")):
        if m := rx.match(s):
            ref, pos = _one(m.group(1)), int(m.group(2))
            span = f"{ref}{pos}"
            if m.group(3):
                span += f"_{_one(m.group(3))}{int(m.group(4))}"
            extra = ""
            if word in ("ins", "delins"):
                extra = "".join(_one(a) for a in re.findall(_AA, m.group(5), _FLAGS))
            return ProteinChange(f"{span}{word}{extra}", cls, ref, pos, None)
    return None
