"""Plots: Chinese glyphs render with no warnings; labels come from the codebook."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

import ruralkit as rk  # noqa: E402
from ruralkit import plots  # noqa: E402

CHINESE = (
    "各乡镇对乡镇政府的信任 中央 省 县 乡镇 村委会 不知道 拒绝回答 "
    "，。：（）− 人民调解 信访 合作社"
)


@pytest.fixture(autouse=True)
def _english_and_close():
    yield
    rk.set_language("en")
    plt.close("all")


def test_bundled_font_is_the_one_matplotlib_finds():
    path = font_manager.findfont(font_manager.FontProperties(family=plots.CJK_FAMILY),
                                 fallback_to_default=False)
    assert path.endswith("RuralKitSansSC-Regular.ttf")


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_chinese_text_renders_without_missing_glyphs(fmt):
    with warnings.catch_warnings():
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
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plt.figure()
        fig.text(0, 0, "\n".join(texts))
        fig.savefig(io.BytesIO(), format="png")


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
    t = pd.DataFrame({"item": ["sat_township"] * 5, "level": [1, 2, 3, 4, 5],
                      "share": [0.1, 0.2, 0.2, 0.3, 0.2]})
    ax = plots.likert_bars(t, positive=[4, 5], neutral=3, dataset="trust_survey")
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
