"""Declarative exercise types: what a course's keys declare its exercises with.

A week's key (``source/<week>/key.py``) imports what it needs from here; importing this
package has no side effects (a notebook's ``autograder.load`` registers the self-check
messages). Every type is imported here because a check file names exercises by type: a
learner's installation, which never runs a key, must still know every type a key may use.
"""

from autograder.exercises.base import CompileError, Exercise
from autograder.exercises.companions import CompanionExercise, CompanionProbe
from autograder.exercises.counted import ComparisonBudgetExercise
from autograder.exercises.function import Case, FunctionExercise, Mistake, produces
from autograder.exercises.model import FitScore, ModelExercise
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.exercises.operations import OperationBudgetExercise
from autograder.exercises.probes import DecisionsProbe, NamedParts, QuantileIntervalProbe
from autograder.exercises.prompt_rules import PromptRule
from autograder.exercises.restricted_sql import RestrictedSqlExercise
from autograder.exercises.sql import SqlExercise, SqlMistake
from autograder.exercises.sqlfile import SqlFileExercise
from autograder.exercises.value import ValueExercise

__all__ = [
    "Case",
    "CompanionExercise",
    "CompanionProbe",
    "ComparisonBudgetExercise",
    "DecisionsProbe",
    "NamedParts",
    "OperationBudgetExercise",
    "QuantileIntervalProbe",
    "RestrictedSqlExercise",
    "ValueExercise",
    "CompileError",
    "Exercise",
    "FitScore",
    "FunctionExercise",
    "Mistake",
    "ModelExercise",
    "NumericExercise",
    "Probe",
    "PromptRule",
    "SqlExercise",
    "SqlFileExercise",
    "SqlMistake",
    "produces",
    "produces_close",
]
