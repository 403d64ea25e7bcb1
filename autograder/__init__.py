"""Checks, data builders and course tooling for the data-scientist interview curriculum.

Notebooks call the exercise checks in :mod:`autograder.exercises`; instructors use the
``autograder`` command (:mod:`autograder.cli`) over the keyword-only API in
:mod:`autograder.api`.
"""

__version__ = "0.1.0"
