"""Per-group scores on Adult (race x sex) agree with fairlearn's MetricFrame on the same predictions."""

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from snorkel_slice.analysis import Scorer
from snorkel_slice.datasets import load_adult_dataset


@pytest.fixture(scope="module")
def adult_predictions():
    df_train, df_test = load_adult_dataset()
    cat = ["workclass", "education", "marital_status", "occupation", "relationship", "race", "sex"]
    num = ["age", "education_num", "hours_per_week", "capital_gain", "capital_loss"]
    model = make_pipeline(ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore"), cat),
                                             ("n", StandardScaler(), num)]), LogisticRegression(max_iter=500))
    fit = df_train.sample(8000, random_state=0)
    model.fit(fit[cat + num], fit["label"])
    return df_test, model.predict(df_test[cat + num])


def test_scorer_matches_metricframe_on_every_race_by_sex_group(adult_predictions):
    df, preds = adult_predictions
    groups = df.groupby(["race", "sex"]).ngroup()
    keys = df.groupby(["race", "sex"]).size().index
    S = pd.DataFrame({f"g{i}": groups == i for i in range(len(keys))})
    ours = Scorer(metrics=["accuracy", "f1"]).score_slices(S, df["label"], preds, as_dataframe=True)
    frame = MetricFrame(metrics={"accuracy": accuracy_score, "f1": f1_score}, y_true=df["label"], y_pred=preds,
                        sensitive_features=df[["race", "sex"]])
    assert len(keys) == 10
    for i, key in enumerate(keys):
        for metric in ("accuracy", "f1"):
            assert ours.loc[f"g{i}", metric] == pytest.approx(frame.by_group.loc[key, metric], abs=1e-12), (key, metric)
        assert ours.loc[f"g{i}", "n"] == (groups == i).sum()
    assert ours.loc["overall", "accuracy"] == pytest.approx(frame.overall["accuracy"], abs=1e-12)
    # the gap fairlearn reports is the spread of our per-slice scores
    assert frame.difference()["accuracy"] == pytest.approx(np.ptp(ours.drop("overall")["accuracy"]), abs=1e-12)
