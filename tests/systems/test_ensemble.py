"""The same ensemble runs in-process and on a Dask cluster."""

import pytest

from nenboard.systems import data as sysdata
from nenboard.systems.ensemble import dask_map, mapper
from nenboard.systems.pathway import rank_combinations
from nenboard.systems.perturbations import dosed_drugs


def test_dask_cluster_matches_local():
    distributed = pytest.importorskip("distributed")
    kb = sysdata.load()
    cands = dosed_drugs(kb, ["everolimus", "trametinib", "azd2014"])
    local = rank_combinations(cands, mapper=mapper("local"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = rank_combinations(cands, mapper=lambda fn, xs: dask_map(client, fn, xs))
    assert local == remote
