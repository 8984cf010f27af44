import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import helpers  # noqa: F401  (registers the test generators and steps)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run the test inside a fresh temporary directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
