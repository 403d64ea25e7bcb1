"""Checks, data builders and course tooling for the data-scientist interview curriculum.

A learner's notebook loads its assignment's checks with ``q = autograder.load("weekNN")``
(from the ``checks.json`` released beside it); instructors use the ``autograder`` command
(:mod:`autograder.cli`) over the keyword-only API in :mod:`autograder.api`. Course content
(each week's exercises) lives in the course, not here: see :mod:`autograder.registry`.
"""

__version__ = "0.1.0"


def load(assignment: str, folder=None):
    """The checks of ``assignment`` for a learner's notebook (see :mod:`autograder.learner`)."""
    from autograder.learner import load as _load

    return _load(assignment, folder)
