"""Slice summary and overlap tables, and their plot: hand-computed fixtures and pandas references."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from snorkel.slicing import PandasSFApplier as SnorkelSFApplier
from spam_sfs import ALL, build_sfs

from snorkel_slice.analysis.plots import plot_slice_summary
from snorkel_slice.analysis.summary import slice_overlap, slice_summary
from utils import load_spam_dataset

# 6 rows, 3 slices. "empty" has no rows; rows 0 and 1 are in both "short" and "link".
S_DF = pd.DataFrame(
    {"short": [1, 1, 1, 0, 0, 0], "link": [1, 1, 0, 1, 0, 0], "empty": [0, 0, 0, 0, 0, 0]}
)
GOLDS = ["ham", "spam", "ham", "spam", "spam", "other"]


def as_recarray(df):
    return np.rec.fromarrays([df[c].to_numpy(np.int64) for c in df], names=list(df.columns))


def test_summary_by_hand():
    expected = pd.DataFrame(
        {
            "n": [6, 3, 3, 0],
            "coverage": [1.0, 0.5, 0.5, 0.0],
            "overlap": [np.nan, 2 / 3, 2 / 3, np.nan],
            "label=ham": [2 / 6, 2 / 3, 1 / 3, np.nan],
            "label=other": [1 / 6, 0.0, 0.0, np.nan],
            "label=spam": [3 / 6, 1 / 3, 2 / 3, np.nan],
        },
        index=["overall", "short", "link", "empty"],
    )
    pd.testing.assert_frame_equal(slice_summary(S_DF, GOLDS), expected)
    pd.testing.assert_frame_equal(slice_summary(as_recarray(S_DF), pd.Series(GOLDS)), expected)
    pd.testing.assert_frame_equal(slice_summary(S_DF.astype(bool), np.array(GOLDS)), expected)
    pd.testing.assert_frame_equal(slice_summary(S_DF), expected[["n", "coverage", "overlap"]])


def test_single_slice_has_no_overlap_and_zero_rows_give_nan():
    assert slice_summary(S_DF[["short"]]).loc["short", "overlap"] == 0.0
    empty = slice_summary(S_DF.iloc[:0], golds=[])
    assert empty["n"].tolist() == [0, 0, 0, 0]
    assert empty["coverage"].isna().all() and list(empty.columns) == ["n", "coverage", "overlap"]


def test_overlap_by_hand():
    fractions = slice_overlap(S_DF)
    assert fractions.loc["short"].tolist()[:2] == [1.0, 2 / 3]
    assert fractions.loc["link"].tolist()[:2] == [2 / 3, 1.0]
    assert fractions.loc["empty"].isna().all()  # an empty slice has no fraction to give
    counts = slice_overlap(S_DF, normalize=False)
    assert counts.to_numpy().tolist() == [[3, 2, 0], [2, 3, 0], [0, 0, 0]]


@pytest.fixture(scope="module")
def spam_test():
    df = load_spam_dataset(load_train_labels=True)[1]
    return df, SnorkelSFApplier(build_sfs("snorkel")).apply(df, progress_bar=False)


def test_summary_of_snorkel_S_matches_pandas_reference(spam_test):
    df, S = spam_test  # S straight from Snorkel: the summary takes any applier's output
    table = slice_summary(S, df.label)
    for name in ALL:
        in_slice = df[S[name] == 1]
        balance = in_slice.label.value_counts(normalize=True)
        others = [other for other in ALL if other != name]
        in_another = pd.DataFrame({o: S[o] for o in others})[S[name] == 1].any(axis=1)
        assert table.loc[name, "n"] == len(in_slice)
        assert table.loc[name, "coverage"] == pytest.approx(len(in_slice) / len(df))
        assert table.loc[name, "overlap"] == pytest.approx(in_another.mean())
        for label in (0, 1):
            assert table.loc[name, f"label={label}"] == pytest.approx(balance.get(label, 0.0))
    assert table.loc["overall", "label=1"] == pytest.approx(df.label.mean())


def test_plot_draws_stacked_bars_with_counts(spam_test):
    df, S = spam_test
    ax = plot_slice_summary(S, golds=df.label)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(ALL)
    assert len(ax.patches) == 2 * len(ALL)  # one bar segment per slice and class
    n = int(S["short_link"].sum())
    assert f" {n} ({n / len(df):.1%})" in [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1] == f"label=1 ({df.label.mean():.0%} overall)"
    assert ax.get_title() == f"Slice sizes (of {len(df)} rows)"
    plt.close(ax.figure)


def test_plot_takes_a_summary_and_an_axes():
    fig, ax = plt.subplots()
    assert plot_slice_summary(slice_summary(S_DF), ax=ax) is ax
    assert [p.get_width() for p in ax.patches] == [3, 3, 0]  # plain bars without labels
    assert ax.get_legend() is None
    plt.close(fig)


@pytest.mark.parametrize(
    "S, golds, error, match",
    [
        (
            S_DF.rename(columns={"link": "overall"}),  # S's own errors: tests/slicing/test_matrix.py
            None,
            ValueError,
            r"S has a slice named 'overall', which is reserved for the whole-data row",
        ),
        (S_DF, GOLDS[:5], ValueError, r"Found inconsistent numbers of rows: S has 6, golds has 5"),
        (
            S_DF,
            np.zeros((6, 2)),
            ValueError,
            r"golds must be 1-D, one label per row; got shape \(6, 2\)\. For probabilities",
        ),
        (
            S_DF,
            [0, 1, None, 1, 0, np.nan],
            ValueError,
            r"golds has missing labels \(NaN/None\) at rows \[2, 5\]",
        ),
    ],
)
def test_summary_rejects_bad_input(S, golds, error, match):
    with pytest.raises(error, match=match):
        slice_summary(S, golds)


def test_overlap_and_plot_reject_bad_input():
    with pytest.raises(ValueError, match=r"S column 'short' must hold only 0/1"):
        slice_overlap(S_DF.assign(short=2))
    with pytest.raises(ValueError, match=r"golds are only used with a slice matrix; this is"):
        plot_slice_summary(slice_summary(S_DF), golds=GOLDS)
