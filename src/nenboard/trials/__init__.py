"""Trial matching: structured eligibility, criterion-by-criterion, plus CT.gov import and CTML."""

from nenboard.trials.match import match_facts, match_report, match_trials, plan_candidates
from nenboard.trials.model import CriterionResult, MatchReport, TrialMatch

__all__ = ["CriterionResult", "MatchReport", "TrialMatch", "match_facts", "match_report",
           "match_trials", "plan_candidates"]
