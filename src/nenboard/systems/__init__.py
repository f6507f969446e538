"""Systems biology: mTOR/PI3K/MAPK pathway ODE model and clonal virtual-trial simulator.

Research use only; never a clinical recommendation. Engines here are pure
functions of their inputs; YAML data is read by `nenboard.systems.data`.
The engines load on first use (numpy and roadrunner are slow to import, and every
CLI command would otherwise pay for them).
"""

from typing import Any

DISCLAIMER = "research use only; not a clinical recommendation"

__all__ = ["DISCLAIMER", "PathwayResult", "predict", "rank_combinations"]


def __getattr__(name: str) -> Any:
    if name in ("PathwayResult", "predict", "rank_combinations"):
        from nenboard.systems import pathway

        return getattr(pathway, name)
    raise AttributeError(f"module 'nenboard.systems' has no attribute {name!r}")
