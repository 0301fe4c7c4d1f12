from tests.carbondata.conftest import _english_messages  # noqa: F401  (the same rule for the inventory tests)
