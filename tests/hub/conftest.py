"""A failed browser test in tests/hub saves its screenshot as tests/browser's do."""

from tests.browser.conftest import pytest_runtest_makereport  # noqa: F401
