"""The course server: learners submit over HTTP and get the grader's verdicts at once.

``store`` (server.db), ``tokens``, ``grader`` (the background grading loop), ``results``
(an autograded notebook read as the API's result), ``app`` (tornado handlers) and
``service`` (``serve()``: run it until SIGTERM/SIGINT).
"""
