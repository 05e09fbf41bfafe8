"""Plots: the kit's style applies only inside its functions; Chinese glyphs render with
no warnings; labels come from the codebook."""

from __future__ import annotations

import inspect
import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.text import Text

import ruralkit as rk
from ruralkit import plots

CHINESE = (
    "各乡镇对乡镇政府的信任 中央 省 县 乡镇 村委会 不知道 拒答 "
    "，。：（）− 人民调解 信访 合作社"
)
ROOT = Path(__file__).resolve().parents[1]
FONT_FILE = plots.FONT_FILES[0]
PLOTS = ROOT / "ruralkit" / "plots"


def _settings() -> dict[str, str]:
    return {k: repr(v) for k, v in mpl.rcParams.items()}


def _kit_charts() -> list:
    """One chart of each kind, in the current language, with Chinese titles."""
    est = pd.DataFrame({"township_id": ["T01", "T01", "T02", "T02"], "year": [2020, 2021] * 2,
                        "estimate": [0.5, 0.6, 0.4, 0.45], "ci_low": [0.4, 0.5, 0.3, 0.35],
                        "ci_high": [0.6, 0.7, 0.5, 0.55]})
    likert = pd.DataFrame({"item": ["sat_township"] * 5, "category": [1, 2, 3, 4, 5],
                           "share": [0.1, 0.2, 0.2, 0.3, 0.2]})
    shares = pd.DataFrame({"level": ["trust_centre", "trust_township"], "share": [0.9, 0.6]})
    return [
        plots.bar(shares, x="share", y="level", dataset="trust_survey", value_format="{:.0%}",
                  xlabel="信任比例", title="村民对各级政府的信任"),
        plots.dot_whisker(est, y="township_id", hue="year", dataset="trust_survey",
                          percent=True, ref=0.5, title="满意度（2020年与2021年）−5"),
        plots.likert_bars(likert, positive=[4, 5], neutral=3, dataset="trust_survey",
                          title="群众对乡镇干部的满意度"),
    ]


def test_importing_plots_changes_no_setting_and_plain_charts_keep_theirs():
    """In a fresh interpreter: settings before and after the import are the same, the
    bundled font is registered all the same, and a plain chart drawn after a kit chart
    looks as matplotlib's defaults say."""
    code = """if True:
        import matplotlib as mpl
        mpl.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import font_manager
        before = {k: repr(v) for k, v in mpl.rcParams.items()}
        import pandas as pd
        from ruralkit import plots
        assert {k: repr(v) for k, v in mpl.rcParams.items()} == before, "import restyled"
        prop = font_manager.FontProperties(family=plots.CJK_FAMILY)
        assert font_manager.findfont(prop, fallback_to_default=False).endswith(plots.FONT_FILES[0])
        plots.bar(pd.DataFrame({"k": ["a"], "v": [1.0]}), x="v", y="k")
        assert {k: repr(v) for k, v in mpl.rcParams.items()} == before, "a chart restyled"
        fig, ax = plt.subplots()
        (line,) = ax.plot([1, 2], [3, 4])
        ax.set_title("plain")
        assert tuple(fig.get_size_inches()) == (6.4, 4.8)
        assert ax.spines["top"].get_visible() and ax.spines["right"].get_visible()
        assert not any(g.get_visible() for g in ax.xaxis.get_gridlines())
        assert mpl.colors.to_hex(line.get_color()) == "#1f77b4"
        assert ax.title.get_fontfamily() == ["sans-serif"]
        print("ok")
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")]), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_kit_charts_are_drawn_in_the_kit_style_and_leave_settings_alone():
    before = _settings()
    ax = _kit_charts()[0]
    assert _settings() == before
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert tuple(ax.figure.get_size_inches()) == plots.STYLE["figure.figsize"]
    assert ax.patches[0].get_facecolor() == mpl.colors.to_rgba(plots.PALETTE[0])
    assert ax.title.get_fontsize() == plots.STYLE["axes.titlesize"]


def test_settings_are_restored_when_a_chart_fails():
    before = _settings()
    with pytest.raises(ValueError, match="no column"):
        plots.bar(pd.DataFrame({"k": ["a"]}), x="missing", y="k")
    assert _settings() == before


def test_a_setting_changed_while_a_chart_draws_is_kept():
    """A notebook's inline backend switches interactive mode on when the first figure
    is made, which may be inside a kit chart; putting every setting back would switch it
    off again, and later charts would not be shown."""
    with mpl.rc_context():  # puts everything back after the test
        mpl.interactive(False)
        with plots.style():
            mpl.interactive(True)
            assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.is_interactive()
        assert mpl.rcParams["axes.spines.top"] is True


def test_every_kit_chart_in_a_notebook_is_shown(tmp_path):
    """The first chart of a session is made by the kit (inside its style); the charts of
    the cells after it are shown too."""
    nbformat = pytest.importorskip("nbformat")
    from ruralkit.notebook_run import execute_in_place

    cells = ["import pandas as pd\nimport ruralkit as rk\n"
             "df = pd.DataFrame({'k': ['a', 'b'], 'v': [1.0, 2.0]})\n"
             "ax = rk.plots.bar(df, x='v', y='k')",
             "ax = rk.plots.bar(df, x='v', y='k', title='乡镇')",
             "rk.set_language('zh')\nax = rk.plots.dot_whisker(pd.DataFrame({'township_id': "
             "['T01'], 'estimate': [0.5], 'ci_low': [0.4], 'ci_high': [0.6]}), "
             "y='township_id', dataset='trust_survey')"]
    path = tmp_path / "charts.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, path)
    execute_in_place(path, timeout=120)
    outputs = [c.outputs for c in nbformat.read(path, as_version=4).cells]
    assert [[o.output_type for o in out] for out in outputs] == [["display_data"]] * 3
    assert all("image/png" in out[0].data for out in outputs)


def test_use_style_makes_the_style_global():
    with mpl.rc_context():
        plots.use_style()
        assert mpl.rcParams["font.family"][0] == plots.CJK_FAMILY
        assert mpl.rcParams["axes.spines.top"] is False
        _, ax = plt.subplots()
        assert not ax.spines["top"].get_visible()
    assert mpl.rcParams["axes.spines.top"] is True  # rc_context restored the defaults


def test_bundled_font_is_the_one_matplotlib_finds():
    path = font_manager.findfont(font_manager.FontProperties(family=plots.CJK_FAMILY),
                                 fallback_to_default=False)
    assert path.endswith(FONT_FILE)


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_chinese_in_kit_charts_renders_with_the_bundled_font(fmt):
    """The charts are drawn (saved) after the kit's functions returned, outside their
    style: every text keeps the bundled font and no glyph is missing."""
    rk.set_language("zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing" would raise here
        for ax in _kit_charts():
            ax.figure.savefig(io.BytesIO(), format=fmt)
            plots.save(ax, io.BytesIO(), format=fmt)
            texts = [t for t in ax.figure.findobj(Text) if t.get_text().strip()]
            assert any(re.search("[\u4e00-\u9fff]", t.get_text()) for t in texts)
            for text in texts:
                path = font_manager.findfont(text.get_fontproperties())
                assert path.endswith(FONT_FILE), (text.get_text(), path)


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_chinese_text_renders_in_the_kit_style_without_missing_glyphs(fmt):
    with warnings.catch_warnings(), plots.style():
        warnings.simplefilter("error")  # "Glyph ... missing" would raise here
        fig, ax = plt.subplots()
        ax.set_title(CHINESE)
        ax.set_xticks([0, 1, 2], ["中央政府", "乡镇政府", "村民委员会"])
        ax.set_ylabel("比例 (share) −5%")
        fig.savefig(io.BytesIO(), format=fmt)


def test_every_codebook_label_renders():
    texts = []
    for name in rk.list_datasets()["name"]:
        book = rk.codebook(name)
        for col in ("label_zh", "question_zh", "value_labels_zh", "missing_codes_zh"):
            texts.extend(book[col].tolist())
    with warnings.catch_warnings(), plots.style():
        warnings.simplefilter("error")
        fig = plt.figure()
        fig.text(0, 0, "\n".join(texts))
        fig.savefig(io.BytesIO(), format="png")


def test_save_uses_the_saving_settings_of_the_style():
    ax = plots.bar(pd.DataFrame({"k": ["a", "b"], "v": [1.0, 2.0]}), x="v", y="k")
    before = _settings()
    saved, plain = io.BytesIO(), io.BytesIO()
    plots.save(ax.figure, saved, format="png")
    ax.figure.savefig(plain, format="png")  # matplotlib's defaults: 100 dpi, untrimmed
    assert _settings() == before
    width = {name: plt.imread(io.BytesIO(buf.getvalue()), format="png").shape[1]
             for name, buf in (("saved", saved), ("plain", plain))}
    assert width["plain"] == 700  # 7 inches at the figure's 100 dpi
    assert 700 < width["saved"] < 7 * 150  # 150 dpi, margins trimmed


def test_shared_parameter_docs_are_written_once_and_filled_in():
    source = "".join(path.read_text("utf-8") for path in PLOTS.glob("*.py"))
    assert source.count("whose codebook labels") == 1
    assert source.count("Draw into this Axes") == 1
    for func in (plots.bar, plots.dot_whisker, plots.likert_bars):
        doc = func.__doc__
        assert "{" + "dataset}" not in doc and "{" + "ax}" not in doc, func.__name__
        assert "    dataset : str, optional\n        Name of the bundled dataset" in doc
        assert "    ax : Axes, optional\n        Draw into this Axes" in doc
        assert "    Returns\n    -------\n    matplotlib.axes.Axes\n" in doc


def test_chart_functions_take_data_first_and_options_by_keyword():
    for func in (plots.bar, plots.dot_whisker, plots.likert_bars):
        params = list(inspect.signature(func).parameters.values())
        assert params[0].name == "data", func.__name__
        assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:]), func.__name__


def test_a_table_that_is_not_a_dataframe_is_explained_in_both_languages():
    with pytest.raises(TypeError, match=r"likert_bars\(\): `data` must be a pandas DataFrame.*"
                                        r"got list"):
        plots.likert_bars([1, 2], positive=[1])
    rk.set_language("zh")
    with pytest.raises(TypeError, match="dot_whisker\\(\\)：`data` 应当是 pandas DataFrame"):
        plots.dot_whisker({"a": 1}, y="a")


def test_bar_takes_labels_from_the_codebook_in_both_languages():
    df = pd.DataFrame({"level": ["trust_centre", "trust_township"], "share": [0.9, 0.6]})
    ax = plots.bar(df, x="share", y="level", dataset="trust_survey", value_format="{:.0%}")
    # Tick labels run bottom to top; the first row is drawn on top.
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Trust in the township government", "Trust in the central government"]
    assert [t.get_text() for t in ax.texts] == ["60%", "90%"]
    rk.set_language("zh")
    ax = plots.bar(df, x="share", y="level", dataset="trust_survey")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["对乡镇政府的信任", "对中央政府的信任"]


def test_bar_labels_category_values_and_axis():
    villages = rk.load_villages()
    counts = villages.groupby("terrain", observed=True).size().reset_index(name="n")
    rk.set_language("zh")
    ax = plots.bar(counts, x="terrain", y="n", dataset="villages", ylabel="村数")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["平原", "丘陵", "山区"]
    assert ax.get_xlabel() == "地形" and ax.get_ylabel() == "村数"
    heights = [p.get_height() for p in ax.patches]
    assert heights == counts["n"].tolist()


def test_bar_sorts_largest_on_top():
    df = pd.DataFrame({"k": ["a", "b", "c"], "v": [2.0, 3.0, 1.0]})
    ax = plots.bar(df, x="v", y="k", sort=True)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "b"  # top of a horizontal bar chart is the last tick


def test_bar_names_a_missing_column():
    df = pd.DataFrame({"k": ["a"], "v": [1.0]})
    with pytest.raises(ValueError, match=r"`x`: there is no column 'value'.*k, v"):
        plots.bar(df, x="value", y="k")
    with pytest.raises(TypeError, match="DataFrame"):
        plots.bar([1, 2], x="k", y="v")


def test_dot_whisker_draws_each_interval_where_the_table_says():
    est = pd.DataFrame({
        "township_id": ["T01", "T01", "T02", "T02"], "year": [2020, 2021, 2020, 2021],
        "estimate": [0.5, 0.6, 0.4, 0.45], "ci_low": [0.4, 0.5, 0.3, 0.35],
        "ci_high": [0.6, 0.7, 0.5, 0.55]})
    ax = plots.dot_whisker(est, y="township_id", hue="year", dataset="trust_survey",
                           percent=True, ref=0.5)
    whiskers = [line for line in ax.lines if len(line.get_xdata()) == 2
                and line.get_linestyle() == "-"]
    spans = sorted(tuple(np.round(w.get_xdata(), 6)) for w in whiskers)
    assert spans == sorted(zip(est["ci_low"], est["ci_high"], strict=True))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Shiqiao Town", "Chengguan Town"]
    assert ax.get_legend().get_title().get_text() == "Survey wave (year)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2020", "2021"]


def test_likert_bars_diverge_at_zero():
    t = pd.DataFrame({"item": ["sat_township"] * 5, "category": [1, 2, 3, 4, 5],
                      "share": [0.1, 0.2, 0.2, 0.3, 0.2]})
    ax = plots.likert_bars(data=t, positive=[4, 5], neutral=3, dataset="trust_survey")
    ends = [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches]
    assert max(max(e) for e in ends) == pytest.approx(0.1 + 0.5)  # half neutral + satisfied
    assert min(min(e) for e in ends) == pytest.approx(-(0.1 + 0.3))  # half neutral + dissatisfied
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Very dissatisfied", "Dissatisfied", "Neither", "Satisfied",
                      "Very satisfied"]


def test_township_codes_are_shown_as_names_in_the_current_language():
    est = pd.DataFrame({"township_id": ["T01", "T03"], "estimate": [0.5, 0.6],
                        "ci_low": [0.4, 0.5], "ci_high": [0.6, 0.7]})
    villages = rk.load_villages().drop_duplicates("township_id").set_index("township_id")
    ax = plots.dot_whisker(est, y="township_id", dataset="trust_survey")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        villages.loc["T03", "township_name_en"], villages.loc["T01", "township_name_en"]]
    rk.set_language("zh")
    ax = plots.dot_whisker(est, y="township_id", dataset="trust_survey")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["柳河乡", "城关镇"]
