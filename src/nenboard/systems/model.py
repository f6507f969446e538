"""The pathway model: Antimony source -> SBML -> one compiled RoadRunner per thread.

Compiling the model costs ~100 ms, a simulation ~1 ms, so the compiled model is
built once per thread (RoadRunner instances are not thread-safe) and every
simulation only resets state and sets perturbation parameters.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

MODEL_FILE = "net_pathway.ant"
MODEL_ID = "net_pathway"

#: Readouts reported by every prediction (assignment rules in the model, 0..1).
READOUTS: tuple[str, ...] = (
    "pAKT_S473",
    "pAKT_T308",
    "pS6K",
    "pERK",
    "mTORC1_activity",
    "mTORC2_activity",
    "IRS1_active",
    "pAMPK",
)

#: Perturbation parameters and how several perturbations on one parameter combine:
#: "inhibition" (Bliss: 1 - prod(1 - x)), "factor" (product), "additive" (sum).
PERTURBATION_KINDS: dict[str, str] = {
    "inh_IGF1R": "inhibition",
    "inh_mTORC1_allo": "inhibition",
    "inh_mTOR_kin": "inhibition",
    "inh_PI3K": "inhibition",
    "inh_MEK": "inhibition",
    "inh_BRAF": "inhibition",
    "inh_ligand": "inhibition",
    "ampk_drug": "additive",
    "tsc_factor": "factor",
    "pi3k_gain": "factor",
    "gap_factor": "factor",
    "pi3k_basal": "additive",
    "raf_basal": "additive",
    "rtk_extra": "additive",
}

#: Neutral values: with these the model is the published model plus inert branches.
NEUTRAL: dict[str, float] = {
    k: (1.0 if kind == "factor" else 0.0) for k, kind in PERTURBATION_KINDS.items()
}

#: Structural switches and inputs (ampk_coupling=0 and ras_coupling=0 give the bare [DP12]).
STRUCTURAL = frozenset({"Ligand", "Amino_Acids", "ampk_coupling", "ras_coupling"})

DEFAULT_WINDOW_MIN = 60.0


def antimony_source() -> str:
    """The model's Antimony text (package data, provenance in its comments)."""
    return resources.files("nenboard.systems.models").joinpath(MODEL_FILE).read_text()


@lru_cache(maxsize=1)
def sbml_string() -> str:
    """SBML Level 3 translation of the Antimony model (cached per process)."""
    import antimony

    antimony.clearPreviousLoads()
    if antimony.loadAntimonyString(antimony_source()) < 0:  # pragma: no cover - model is fixed
        raise RuntimeError(f"antimony could not load the model: {antimony.getLastError()}")
    sbml = antimony.getSBMLString(MODEL_ID)
    antimony.clearPreviousLoads()
    return sbml


_local = threading.local()


def runner():
    """This thread's compiled RoadRunner instance."""
    rr = getattr(_local, "rr", None)
    if rr is None:
        import roadrunner

        rr = roadrunner.RoadRunner(sbml_string())
        _local.rr = rr
    return rr


def check_parameters(params: Mapping[str, float]) -> None:
    unknown = set(params) - set(PERTURBATION_KINDS) - STRUCTURAL
    if unknown:
        raise KeyError(f"not a perturbation parameter of the model: {sorted(unknown)}")


def simulate(
    params: Mapping[str, float],
    window_min: float = DEFAULT_WINDOW_MIN,
    points: int = 61,
    selections: Sequence[str] = READOUTS,
) -> np.ndarray:
    """Time course after ligand stimulation at t=0 with `params` applied from t=0.

    Returns an array (points, 1 + len(selections)); column 0 is time in minutes.
    The protocol mirrors the experiments the published core was fitted to
    (starved cells, drug present, ligand added at t=0).
    """
    check_parameters(params)
    rr = runner()
    rr.resetAll()
    for key, value in params.items():
        rr[key] = float(value)
    rr.timeCourseSelections = ["time", *selections]
    return np.array(rr.simulate(0.0, float(window_min), int(points)))


def end_of_window(
    params: Mapping[str, float], window_min: float = DEFAULT_WINDOW_MIN
) -> dict[str, float]:
    """Readouts at the end of the window (cheap: 2 output points)."""
    row = simulate(params, window_min, points=2)[-1]
    return {name: float(v) for name, v in zip(READOUTS, row[1:], strict=True)}
