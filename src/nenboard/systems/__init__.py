"""Systems biology: mTOR/PI3K/MAPK pathway ODE model and clonal virtual-trial simulator.

Research use only; never a clinical recommendation. Engines here are pure
functions of their inputs; YAML data is read by `nenboard.systems.data`.
"""

from nenboard.systems.pathway import PathwayResult, predict, rank_combinations

DISCLAIMER = "research use only; not a clinical recommendation"

__all__ = ["DISCLAIMER", "PathwayResult", "predict", "rank_combinations"]
