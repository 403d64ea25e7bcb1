"""nbgrader's exchange over HTTP: every exchange class a client of ``autograder serve``.

Select them in ``nbgrader_config.py`` (docs/grading-at-scale.md, "nbgrader's exchange over
HTTP")::

    c.ExchangeFactory.release_assignment = "autograder.exchange.HttpReleaseAssignment"
    c.HttpExchange.url = "http://127.0.0.1:8744"
"""

from autograder.exchange.base import HttpExchange
from autograder.exchange.instructor import HttpCollect, HttpReleaseAssignment, HttpReleaseFeedback
from autograder.exchange.learner import HttpFetchAssignment, HttpFetchFeedback, HttpSubmit
from autograder.exchange.listing import HttpList

__all__ = [
    "HttpCollect",
    "HttpExchange",
    "HttpFetchAssignment",
    "HttpFetchFeedback",
    "HttpList",
    "HttpReleaseAssignment",
    "HttpReleaseFeedback",
    "HttpSubmit",
]
