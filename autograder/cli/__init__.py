"""The ``autograder`` command: a thin layer over :mod:`autograder.api`, one module per command."""
