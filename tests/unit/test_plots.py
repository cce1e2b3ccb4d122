"""Figures: written as valid PNG/SVG, code names readable, no pyplot at import."""

from __future__ import annotations

import doctest
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from theorize.analysis import plots
from theorize.analysis.cooccurrence import cooccurrence
from theorize.analysis.plots import plot_agreement, plot_cooccurrence_heatmap, plot_discovery_curve, short_label
from theorize.analysis.saturation import bootstrap_saturation, discovery_curve, guest_saturation
from theorize.errors import InvalidInput

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG_NAME = "fearing jail and sanctions during the first weeks of the drug court programme"


def _svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return "".join(root.itertext())


@pytest.fixture(scope="module")
def incidence() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    x = (rng.random((10, 15)) < 0.3).astype(int)
    x[0, :3] = 1
    return pd.DataFrame(x, index=[f"I{i:02d}" for i in range(1, 11)], columns=[f"code{j}" for j in range(15)])


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_discovery_curve_plot(tmp_path, incidence, suffix):
    curve = discovery_curve(incidence)
    boot = bootstrap_saturation(incidence, 200, base_size=3, run_length=2, seed=0)
    result = guest_saturation(incidence, base_size=3, run_length=2, threshold=0.2)
    out = plot_discovery_curve(curve, tmp_path / f"curve{suffix}", bootstrap=boot, saturation=result)
    assert out == tmp_path / f"curve{suffix}" and out.stat().st_size > 1000
    if suffix == ".png":
        assert out.read_bytes()[:8] == PNG_SIGNATURE
    else:
        text = _svg_text(out)
        assert "Code discovery" in text and "random orders" in text


def test_discovery_curve_by_stage_plot(tmp_path, incidence):
    stages = {c: ("initial" if i % 2 else "focused") for i, c in enumerate(incidence.columns)}
    out = plot_discovery_curve(discovery_curve(incidence, stages), tmp_path / "stages.svg")
    text = _svg_text(out)
    assert "initial" in text and "focused" in text


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_agreement_plot(tmp_path, suffix):
    frame = pd.DataFrame(
        {
            "code": ["trust", "doing my time", LONG_NAME],
            "value": [0.81, 0.42, -0.05],
            "ci_low": [0.7, 0.2, -0.3],
            "ci_high": [0.9, 0.6, np.nan],
        }
    )
    out = plot_agreement(
        frame, tmp_path / f"agreement{suffix}", value_label="Krippendorff's alpha", reference_lines=(0.667, 0.8)
    )
    if suffix == ".png":
        assert out.read_bytes()[:8] == PNG_SIGNATURE
    else:
        text = _svg_text(out)
        assert "trust" in text and "doing my time" in text and "Krippendorff" in text
        assert "\u2026" in text  # the long name is cut with an ellipsis
        assert LONG_NAME not in text


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_cooccurrence_heatmap(tmp_path, suffix):
    codings = pd.DataFrame(
        {
            "source_id": ["s"] * 4,
            "code_id": ["trust", "family", LONG_NAME, "trust"],
            "start": [0, 5, 8, 100],
            "end": [20, 30, 12, 120],
        }
    )
    out = plot_cooccurrence_heatmap(cooccurrence(codings), tmp_path / f"heat{suffix}", labels={"family": "family ties"})
    if suffix == ".png":
        assert out.read_bytes()[:8] == PNG_SIGNATURE
    else:
        text = _svg_text(out)
        assert "trust" in text and "family ties" in text and "fearing jail" in text


def test_jaccard_heatmap_with_many_codes(tmp_path):
    names = [f"code number {i}" for i in range(30)]
    matrix = pd.DataFrame(np.random.default_rng(0).random((30, 30)), index=names, columns=names)
    out = plot_cooccurrence_heatmap(matrix, tmp_path / "many.svg")
    assert "code number 29" in _svg_text(out)


def test_short_label():
    assert short_label("trust") == "trust"
    label = short_label(LONG_NAME, width=20)
    lines = label.split("\n")
    assert len(lines) == 2 and all(len(line) <= 20 for line in lines) and label.endswith("\u2026")
    assert short_label("x" * 50, width=10, lines=1) == "x" * 9 + "\u2026"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: plot_agreement(pd.DataFrame({"code": ["a"], "value": [0.5]}), p / "a.pdf"), "png or .svg"),
        (lambda p: plot_agreement(pd.DataFrame({"code": ["a"], "value": [0.5]}), p / "no" / "a.png"), "does not exist"),
        (lambda p: plot_agreement(pd.DataFrame({"code": [], "value": []}), p / "a.png"), "non-empty"),
        (lambda p: plot_agreement(pd.DataFrame({"code": ["a"], "value": [np.nan]}), p / "a.png"), "missing"),
        (lambda p: plot_cooccurrence_heatmap(pd.DataFrame([[1, 2]]), p / "a.png"), "square"),
        (lambda p: plot_discovery_curve(pd.DataFrame(), p / "a.png"), "discovery curve"),
    ],
)
def test_bad_input(tmp_path, call, message):
    with pytest.raises(InvalidInput, match=message):
        call(tmp_path)


def test_import_does_not_touch_pyplot():
    code = "import sys, theorize.analysis.plots; print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_docstring_examples():
    assert doctest.testmod(plots, raise_on_error=False).failed == 0
