"""Inequality of an access measure against pysal's `inequality` package (Gini, Theil T),
a weight as copies of an origin, and hand-worked cases (the Palma ratio, which pysal
does not compute). Needs the PyPI package `inequality` (`.ci/run` installs it)."""

import numpy as np
import pytest

import carefind
from _resources import missing

try:
    from inequality.gini import Gini
    from inequality.theil import Theil
except ImportError:  # pragma: no cover - the CI venv has it
    Gini = Theil = None


def test_gini_and_theil_agree_with_pysal_and_weights_are_copies():
    if Gini is None:
        missing("the PyPI package inequality is not installed")
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(50):
        values = rng.integers(0, 100, size=int(rng.integers(2, 60))).astype(float)
        if values.sum() == 0:
            continue
        measured = carefind.inequality(values)
        assert measured["gini"] == pytest.approx(Gini(values).g, abs=1e-9)
        assert measured["theil_t"] == pytest.approx(Theil(values).T, abs=1e-9)
        # A weight of k counts as k copies of the origin.
        weights = rng.integers(1, 4, size=len(values)).astype(float)
        copies = np.repeat(values, weights.astype(int))
        weighted = carefind.inequality(values, weights)
        assert weighted["gini"] == pytest.approx(Gini(copies).g, abs=1e-9)
        assert weighted["theil_t"] == pytest.approx(Theil(copies).T, abs=1e-9)
        assert weighted["palma"] == pytest.approx(carefind.inequality(copies)["palma"], rel=1e-9)
        checked += 1
    assert checked > 40


def test_hand_worked_cases_and_errors():
    # 1..10: the bottom four hold 10 of 55, the top one 10; Gini (n - 1) / 3n.
    measured = carefind.inequality(list(range(1, 11)))
    assert measured["palma"] == pytest.approx(1.0)
    assert measured["gini"] == pytest.approx(0.3)
    # Everyone equal: no inequality, and the top tenth holds a quarter of the bottom 40 %'s.
    equal = carefind.inequality([4.0, 4.0, 4.0], [1.0, 2.0, 7.0])
    assert (equal["gini"], equal["theil_t"]) == (0.0, 0.0)
    assert equal["palma"] == pytest.approx(0.25)
    with pytest.raises(carefind.CarefindError, match="negative"):
        carefind.inequality([1.0, -2.0])
    with pytest.raises(carefind.CarefindError, match="add up to 0"):
        carefind.inequality([0.0, 0.0])
    with pytest.raises(carefind.CarefindError, match="one weight per value"):
        carefind.inequality([1.0, 2.0], [1.0])
