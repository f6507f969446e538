"""Trial records state the grade and progression criteria the reviews give (issue 13)."""

from __future__ import annotations

import pytest

from nenboard.knowledge import default_kb
from nenboard.therapy.safety import population_gaps

KB = default_kb()

# (trial id, progression the review states) - pavel2016 "in progressive pNET / GEP-NET";
# mcclellan2022 3.2 "radiographic progression on first-line SSA therapy" (NETTER-1), 3.3
# "progressive, nonfunctional" (RADIANT-4), 3.4 "progressive, well-differentiated" (sunitinib)
PROGRESSION = [("e2211", "any"), ("clarinet-forte", "any"), ("nct00428597", "any"),
               ("calgb-80701", "any"), ("cooperate-2", "any"), ("netter-1", "radiological"),
               ("radiant-4", "radiological")]
# ooki2023 4.5 / 4.10 and pavel2016: trials "in G3 NEN(s)"
G3 = ["nct03457844", "nct04412629", "nct05113355", "evinec"]


@pytest.mark.parametrize("trial,progression", PROGRESSION)
def test_progression_criterion_is_structured(trial: str, progression: str) -> None:
    assert KB.trials[trial].population.progression == progression


@pytest.mark.parametrize("trial", G3)
def test_g3_trials_exclude_a_g2_net(trial: str) -> None:
    pop = KB.trials[trial].population
    assert pop.grades == ["G3"]
    gaps = population_gaps(pop, {"entity": "NET", "grade": "G2"}, KB)
    assert any("grade G2" in g for g in gaps)
