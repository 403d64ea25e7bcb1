"""The keyword-only Python API behind the ``autograder`` command, one module per command."""
