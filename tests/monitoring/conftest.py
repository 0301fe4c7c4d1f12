import pytest

from carbonms.monitoring import storage


@pytest.fixture(autouse=True)
def _fresh_partitions():
    """Each test database starts without partitions; the per-process cache must agree."""
    storage.forget_partitions()
    yield
    storage.forget_partitions()
