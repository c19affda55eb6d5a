"""What a test does when a resource it needs (real data, the command) is absent."""

import os

import pytest


def missing(why):
    """Skip the test, unless CAREFIND_REQUIRE_DATA is set (as `.ci/run` sets it): there a
    missing resource fails the test rather than letting it pass unchecked."""
    if os.environ.get("CAREFIND_REQUIRE_DATA"):
        pytest.fail(why)
    pytest.skip(why)
