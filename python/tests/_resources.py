"""What a test does when a resource it needs (real data, the command) is absent."""

import os

import numpy as np
import pytest

# The Earth's mean radius, metres, as the library uses it.
R = 6_371_008.8


def missing(why):
    """Skip the test, unless CAREFIND_REQUIRE_DATA is set (as `.ci/run` sets it): there a
    missing resource fails the test rather than letting it pass unchecked."""
    if os.environ.get("CAREFIND_REQUIRE_DATA"):
        pytest.fail(why)
    pytest.skip(why)


def haversine(lat1, lon1, lat2, lon2):
    """Great-circle metres: the library's formula, in the same order of operations."""
    half_dlat = np.radians(lat2 - lat1) / 2.0
    half_dlon = np.radians(lon2 - lon1) / 2.0
    h = np.sin(half_dlat) ** 2 + np.cos(np.radians(lat1)) * np.cos(np.radians(lat2)) * np.sin(half_dlon) ** 2
    return 2.0 * R * np.arcsin(np.minimum(np.sqrt(h), 1.0))
