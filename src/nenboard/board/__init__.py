"""The board: one evaluation per case (`evaluate`) and whole cohorts (`batch`)."""

from nenboard.board.evaluate import evaluate

__all__ = ["evaluate"]
