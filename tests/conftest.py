"""Shared fixtures: the Agg backend, and every test starts and ends in English on the
bundled county with no figure left open."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere: tests never open a window

import matplotlib.pyplot as plt
import pytest

import ruralkit as rk


@pytest.fixture(autouse=True)
def _english_bundled_no_figures():
    rk.set_language("en")
    rk.set_variant(None)
    yield
    rk.set_language("en")
    rk.set_variant(None)
    plt.close("all")


@pytest.fixture
def chinese():
    """The test runs in Chinese (the autouse fixture above switches back to English)."""
    rk.set_language("zh")


@pytest.fixture(autouse=True, scope="session")
def _scratch_folder(tmp_path_factory):
    """Run in a scratch folder: exercise set 00's q10 (and its self-tests) save files
    in the working directory, as a learner's notebook saves them next to itself."""
    import os

    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(before)


def pytest_configure(config):
    """nbval reads its sanitize file when a notebook runs, relative to the working
    directory: after the scratch folder above, that is no longer the project's top."""
    import os

    path = getattr(config.option, "nbval_sanitize_with", None)
    if path and not os.path.isabs(path):
        config.option.nbval_sanitize_with = os.path.abspath(path)
