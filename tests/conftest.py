import numpy as np
import pytest


@pytest.fixture
def rng():
    """A freshly seeded generator per test: same seed, same numbers."""
    return np.random.default_rng(20261124)
