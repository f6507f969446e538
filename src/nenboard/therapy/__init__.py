"""Therapy planner: line-by-line options with evidence, exclusions, safety gates
and resistance analysis (`plan(case, kb) -> Plan`)."""

from nenboard.therapy.model import Option, Plan
from nenboard.therapy.planner import plan

__all__ = ["Option", "Plan", "plan"]
