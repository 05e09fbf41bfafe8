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
