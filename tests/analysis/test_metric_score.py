"""metric_score against Snorkel 0.10.0's, metric by metric, with and without filter_dict."""

import numpy as np
import pytest
from snorkel.analysis import metric_score as snorkel_metric_score

from snorkel_slice.analysis import METRICS, metric_score

RNG = np.random.default_rng(1)
GOLDS = RNG.integers(0, 2, 80)
PREDS = RNG.integers(-1, 2, 80)
PROBS = RNG.dirichlet([1, 1], 80)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("filter_dict", [None, {"golds": [-1], "preds": [-1]}], ids=["all", "filtered"])
def test_equals_snorkel(metric, filter_dict):
    if metric not in ("coverage", "roc_auc") and filter_dict is None:
        filter_dict = {"preds": [-1]}  # Snorkel's sklearn calls refuse a -1 pred among {0, 1}
    kwargs = {"beta": 0.5} if metric == "fbeta" else {}
    ours = metric_score(GOLDS, PREDS, PROBS, metric=metric, filter_dict=filter_dict, **kwargs)
    theirs = snorkel_metric_score(GOLDS, PREDS, PROBS, metric=metric, filter_dict=filter_dict, **kwargs)
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(golds=[1, 0], preds=[1, 0], metric="auc"), ValueError, r"The metric you provided \('auc'\) is not currently implemented; choose from accuracy"),
        (dict(golds=[1, 0], metric="accuracy"), ValueError, r"Metric accuracy requires access to preds; pass preds="),
        (dict(golds=[1, 0], preds=[1, 0], metric="roc_auc"), ValueError, r"Metric roc_auc requires access to probs"),
        (dict(golds=[2, 0], preds=[1, 0], metric="f1"), ValueError, r"f1 not supported for multiclass\. Try f1_micro or f1_macro instead\."),
        (dict(golds=[1, 0], preds=[1, 0], metric="fbeta", betta=2), TypeError, r"unexpected keyword argument\(s\) \['betta'\]; only beta"),
        (dict(golds=[1, 0], preds=[1, 0], filter_dict={"labels": [-1]}), ValueError, r"filter_dict names \['labels'\]"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        metric_score(**kwargs)
