"""Declarative exercise types: what a course's keys declare its exercises with.

A week's key (``source/<week>/key.py``) imports what it needs from here; importing this
package has no side effects (a notebook's ``autograder.load`` registers the self-check
messages).
"""

from autograder.exercises.base import CompileError, Exercise
from autograder.exercises.counted import ComparisonBudgetExercise
from autograder.exercises.function import Case, FunctionExercise, Mistake, produces
from autograder.exercises.model import FitScore, ModelExercise
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.exercises.sql import SqlExercise, SqlMistake
from autograder.exercises.sqlfile import SqlFileExercise

__all__ = [
    "Case",
    "ComparisonBudgetExercise",
    "CompileError",
    "Exercise",
    "FitScore",
    "FunctionExercise",
    "Mistake",
    "ModelExercise",
    "NumericExercise",
    "Probe",
    "SqlExercise",
    "SqlFileExercise",
    "SqlMistake",
    "produces",
    "produces_close",
]
