"""SliceAwareClassifier and PlainClassifier: shapes, masks, parity with Snorkel 0.10.0, errors."""

import copy
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import accuracy_score, f1_score
from snorkel.analysis import Scorer as SnorkelScorer
from snorkel.slicing import SliceAwareClassifier as SnorkelClassifier
from torch import nn

from snorkel_slice.analysis.notices import SmallSliceWarning, UndefinedScoreWarning
from snorkel_slice.analysis.scorer import Scorer
from snorkel_slice.classification.data import DictDataLoader, DictDataset
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.slicing.classifier import SliceAwareClassifier
from snorkel_slice.slicing.loaders import make_slice_dataloader

D, H = 5, 6
NAMES = ["a", "b"]


def mlp(d=D, h=H, layers=1):
    mods = [nn.Linear(d, h), nn.ReLU()]
    for _ in range(layers - 1):
        mods += [nn.Linear(h, h), nn.ReLU()]
    return nn.Sequential(*mods)


def toy(n=12, seed=0, n_classes=2):
    g = torch.Generator().manual_seed(seed)
    X, Y = torch.randn(n, D, generator=g), torch.randint(0, n_classes, (n,), generator=g)
    S = np.rec.fromarrays([np.arange(n) % 3 == 0, np.zeros(n, dtype=int)], names=NAMES)  # "b" is empty
    return X, Y, S.astype([("a", int), ("b", int)])


def model_and_loader(n=12, n_classes=2, **kwargs):
    torch.manual_seed(0)
    X, Y, S = toy(n, n_classes=n_classes)
    model = SliceAwareClassifier(mlp(), H, NAMES, n_classes=n_classes, **kwargs)
    return model, model.make_slice_dataloader(DictDataset.from_tensors(X, Y, "test"), S, batch_size=n)


def snorkel_twin(model):
    """Snorkel's SliceAwareClassifier with our model's weights."""
    twin = SnorkelClassifier(copy.deepcopy(model.base_architecture), H, model.slice_names,
                             scorer=SnorkelScorer(metrics=["accuracy", "f1"]), dataparallel=False)
    pool = twin.module_pool
    with torch.no_grad():
        for k, name in enumerate(model.all_slice_names):
            pool[f"task_slice:{name}_ind_head"].weight.copy_(model.ind_head.weight[2 * k:2 * k + 2])
            pool[f"task_slice:{name}_ind_head"].bias.copy_(model.ind_head.bias[2 * k:2 * k + 2])
            pool[f"task_slice:{name}_pred_transform"].weight.copy_(model.slice_weight[:, k])
            pool[f"task_slice:{name}_pred_transform"].bias.copy_(model.slice_bias[k])
        pool["task_slice:a_pred_head"].load_state_dict(model.pred_head.state_dict())  # shared by all
        pool["task_master_head"].load_state_dict(model.head.state_dict())
    return twin


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def test_parameter_count_follows_the_formula_and_snorkel():
    for n_classes, k, layers in [(2, 2, 1), (2, 0, 2), (3, 4, 1)]:
        base = mlp(layers=layers)
        model = SliceAwareClassifier(base, H, [f"s{i}" for i in range(k)], n_classes=n_classes)
        expected = n_params(base) + H * n_classes + n_classes  # the backbone and its Linear(h, C) head
        expected += (k + 1) * (H * H + 3 * H + 2) + n_classes * (H + 1)
        assert n_params(model) == expected
    model = SliceAwareClassifier(mlp(), H, NAMES)
    assert n_params(model) == n_params(snorkel_twin(model))


def test_parameter_count_at_the_seed_configuration():
    h, names = 3916, ["short_comment", "keyword_please", "regex_check_out", "short_link", "textblob_polarity"]
    with torch.device("meta"):  # shapes only: no 491 MB of weights
        body = nn.Sequential(nn.Linear(h, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU())
        model = SliceAwareClassifier(body, h, names)
        plain = PlainClassifier(copy.deepcopy(body), h)
    assert n_params(model) == 122_774_448 == n_params(plain) + 6 * (h * h + 3 * h + 2) + 2 * (h + 1)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_output_shapes_and_attention_sums_to_one(n_classes):
    model, dl = model_and_loader(n_classes=n_classes)
    out = model(next(iter(dl))[0])
    assert out["task"].shape == (12, n_classes)
    assert out["ind"].shape == (12, 3, 2) and out["pred"].shape == (12, 3, n_classes)
    assert torch.allclose(out["attention"].sum(dim=1), torch.ones(12))


@pytest.mark.parametrize(("confidence", "temperature"), [(None, 1.0), ("max_prob", 0.5)])
def test_forward_matches_the_unfolded_definition(confidence, temperature):
    model, dl = model_and_loader(confidence=confidence, temperature=temperature)
    X_dict = next(iter(dl))[0]
    out = model(X_dict)  # batch 12 > 2C: the folded path
    z = model.base_architecture(X_dict["input_data"])
    rep = torch.stack([z @ model.slice_weight[:, k].T + model.slice_bias[k] for k in range(3)], dim=1)
    pred = model.pred_head(rep)
    p_in = F.softmax(model.ind_head(z).view(12, 3, 2), dim=-1)[..., 1]
    probs = F.softmax(pred, dim=-1)
    conf = probs[..., 1] if confidence is None else probs.max(dim=-1).values
    attention = F.softmax(p_in * conf / temperature, dim=1)
    master = model.head((attention.unsqueeze(-1) * rep).sum(dim=1))
    assert torch.allclose(out["pred"], pred, atol=1e-6) and torch.allclose(out["attention"], attention, atol=1e-6)
    assert torch.allclose(out["task"], master, atol=1e-6)
    one_by_one = torch.cat([model({"input_data": x[None]})["task"] for x in X_dict["input_data"]])
    assert torch.allclose(one_by_one, master, atol=1e-6)  # batch 1 <= 2C: the unfolded path


@pytest.mark.parametrize("batch", [12, 3])
def test_loss_and_gradients_equal_snorkels(batch):
    model, dl = model_and_loader()
    twin = snorkel_twin(model)
    X_dict, Y_dict = next(iter(dl))
    X_dict, Y_dict = {k: v[:batch] for k, v in X_dict.items()}, {k: v[:batch] for k, v in Y_dict.items()}
    loss, n = model.training_loss(X_dict, Y_dict)
    losses, _ = twin.calculate_loss(X_dict, Y_dict)
    reference = torch.stack(list(losses.values())).sum()
    assert n == batch and torch.allclose(loss, reference, atol=1e-6)
    loss.backward()
    reference.backward()
    pool = twin.module_pool
    for k, name in enumerate(model.all_slice_names):
        assert torch.allclose(model.slice_weight.grad[:, k], pool[f"task_slice:{name}_pred_transform"].weight.grad, atol=1e-6)
        assert torch.allclose(model.ind_head.weight.grad[2 * k:2 * k + 2], pool[f"task_slice:{name}_ind_head"].weight.grad, atol=1e-6)
    assert torch.allclose(model.head.weight.grad, pool["task_master_head"].weight.grad, atol=1e-6)
    assert torch.allclose(model.base_architecture[0].weight.grad, pool["base_architecture"][0].weight.grad, atol=1e-6)


@pytest.mark.parametrize("temperature", [1.0, 0.25])
def test_attention_weights_equal_snorkels(monkeypatch, temperature):
    """Snorkel's combiner keeps its attention private: record the (batch, K) softmax it takes."""
    from snorkel.slicing.modules import slice_combiner

    model, dl = model_and_loader(n=30, temperature=temperature)
    twin = snorkel_twin(model)
    combiners = [m for m in twin.module_pool.values() if isinstance(m, slice_combiner.SliceCombinerModule)]
    assert len(combiners) == 1
    combiners[0].temperature = temperature  # Snorkel's classifier does not pass one through
    seen = []

    def softmax(input, dim):
        out = F.softmax(input, dim=dim)
        if input.shape[-1] == len(model.all_slice_names):  # (batch, K): the attention
            seen.append(out)
        return out

    monkeypatch.setattr(slice_combiner, "F", type("F", (), {"softmax": staticmethod(softmax)}))
    X_dict = next(iter(dl))[0]
    with torch.no_grad():
        twin.forward(X_dict, ["task"])
        ours = model(X_dict)["attention"]
    assert len(seen) == 1 and seen[0].shape == ours.shape == (30, 3)
    assert torch.allclose(ours, seen[0], atol=1e-6)
    assert not torch.allclose(ours, torch.full_like(ours, 1 / 3), atol=1e-3)  # not a trivial case


def test_predictor_loss_is_masked_to_in_slice_rows():
    model, dl = model_and_loader()
    X_dict, Y_dict = next(iter(dl))
    loss, _ = model.training_loss(X_dict, Y_dict)
    out, y = model(X_dict), Y_dict["task"]
    in_a = Y_dict["task_slice:a_ind"] == 1
    expected = F.cross_entropy(out["task"], y)
    for k, name in enumerate(["a", "b", "base"]):
        expected = expected + F.cross_entropy(out["ind"][:, k], Y_dict[f"task_slice:{name}_ind"])
    expected = expected + F.cross_entropy(out["pred"][in_a, 0], y[in_a])  # "a": its 4 rows only
    expected = expected + F.cross_entropy(out["pred"][:, 2], y)  # "base": all rows; "b" is empty: 0
    assert in_a.sum() == 4 and torch.allclose(loss, expected)
    unlabelled = {k: torch.full_like(v, -1) if k.endswith("_pred") or k == "task" else v for k, v in Y_dict.items()}
    loss, _ = model.training_loss(X_dict, unlabelled)  # only indicator losses remain; no NaN
    assert torch.isfinite(loss) and loss > 0
    loss.backward()


def test_predict_and_scores_match_snorkel_and_sklearn():
    model, dl = model_and_loader(n=30, scorer=Scorer(metrics=["accuracy", "f1"]))
    twin = snorkel_twin(model)
    results = model.predict(dl, return_preds=True)
    assert set(results) == {"golds", "probs", "preds"} and set(results["probs"]) == {"task"}
    ref = twin.predict(dl, return_preds=True)
    assert np.allclose(results["probs"]["task"], ref["probs"]["task"].numpy(), atol=1e-6)
    assert np.array_equal(results["golds"]["task"], ref["golds"]["task"].numpy())
    golds, preds = results["golds"]["task"], results["preds"]["task"]
    assert np.array_equal(preds, results["probs"]["task"].argmax(axis=1))
    with pytest.warns(UserWarning, match="task_slice:b_pred has no labelled data points"):
        scores = model.score([dl])
    assert scores["task/SnorkelDataset/test/accuracy"] == pytest.approx(accuracy_score(golds, preds))
    ind = dl.dataset.Y_dict["task_slice:a_ind"].numpy()
    ind_preds = model(next(iter(dl))[0])["ind"][:, 0].argmax(dim=1).numpy()
    assert scores["task_slice:a_ind/SnorkelDataset/test/f1"] == pytest.approx(f1_score(ind, ind_preds))
    assert np.isnan(scores["task_slice:b_pred/SnorkelDataset/test/f1"])  # an empty slice: NaN
    # Snorkel agrees on every label set but the empty slice's, on which it crashes.
    without_b = {k: v for k, v in dl.dataset.Y_dict.items() if "slice:b_" not in k}
    dl_a = DictDataLoader(DictDataset("SnorkelDataset", "test", dl.dataset.X_dict, without_b), batch_size=7)
    reference = twin.score([dl_a])
    assert set(reference) == set(scores) - {k for k in scores if "slice:b_" in k}
    for key, value in reference.items():
        assert scores[key] == pytest.approx(value), key


def test_score_slices_uses_the_master_head_and_reports_sizes():
    model, dl = model_and_loader(n=30, scorer=Scorer(metrics=["accuracy", "f1"]))
    with pytest.warns(UndefinedScoreWarning, match=r"every metric on empty slices: 'b' \(n=0\)"):
        with pytest.warns(SmallSliceWarning, match=r"'a' \(n=10\), 'b' \(n=0\)"):
            frame = model.score_slices([dl], as_dataframe=True)
    assert list(frame.columns) == ["label", "slice", "dataset", "split", "metric", "score", "n"]
    assert frame["slice"].unique().tolist() == ["overall", "a", "b", "base"]
    results = model.predict(dl, return_preds=True)
    golds, preds = results["golds"]["task"], results["preds"]["task"]
    in_a = dl.dataset.Y_dict["task_slice:a_ind"].numpy() == 1
    row = frame.set_index(["slice", "metric"])
    assert row.loc[("a", "accuracy"), "score"] == pytest.approx(accuracy_score(golds[in_a], preds[in_a]))
    assert row.loc[("a", "f1"), "n"] == in_a.sum() == 10
    assert row.loc[("b", "accuracy"), "n"] == 0 and np.isnan(row.loc[("b", "accuracy"), "score"])
    with pytest.warns(UndefinedScoreWarning):
        as_dict = model.score_slices([dl], min_support=0)  # Snorkel's default: a dict
    assert as_dict["task_slice:a_pred/SnorkelDataset/test/f1"] == pytest.approx(row.loc[("a", "f1"), "score"])
    assert as_dict["task_slice:base_pred/SnorkelDataset/test/f1"] == as_dict["task/SnorkelDataset/test/f1"]
    # Snorkel agrees on every non-empty slice (it crashes on the empty one).
    twin = snorkel_twin(model)
    fresh = DictDataset("SnorkelDataset", "test", dl.dataset.X_dict, {"task": dl.dataset.Y_dict["task"]})
    a_only = make_slice_dataloader(fresh, pd.DataFrame({"a": in_a}), batch_size=30)
    ours = model.score_slices([a_only], min_support=0)
    for key, value in twin.score_slices([a_only]).items():
        assert ours[key] == pytest.approx(value), key


@pytest.mark.parametrize("ci_method", ["bootstrap", "analytic"])
def test_model_score_slices_is_the_scorers_on_its_predictions(ci_method):
    model, dl = model_and_loader(n=40, scorer=Scorer(metrics=["accuracy", "f1", "roc_auc"]))
    fresh = DictDataset("SnorkelDataset", "test", dl.dataset.X_dict, {"task": dl.dataset.Y_dict["task"]})
    S = pd.DataFrame({"a": np.arange(40) % 3 == 0, "b": np.arange(40) < 25})
    loader = make_slice_dataloader(fresh, S, batch_size=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        long = model.score_slices(loader, as_dataframe=True, ci=0.9, ci_method=ci_method, random_state=3)
        results = model.predict(loader, return_preds=True)
        wide = Scorer(metrics=["accuracy", "f1", "roc_auc"]).score_slices(
            S, results["golds"]["task"], results["preds"]["task"], results["probs"]["task"],
            as_dataframe=True, ci=0.9, ci_method=ci_method, random_state=3,
        )
    mine = long[long.slice != "base"].pivot(index="slice", columns="metric", values=["score", "low", "high", "n"])
    for metric in ["accuracy", "f1", "roc_auc"]:
        for col, suffix in [("score", ""), ("low", "_low"), ("high", "_high")]:
            np.testing.assert_allclose(mine[col][metric].loc[wide.index].to_numpy(float), wide[metric + suffix].to_numpy(), equal_nan=True)
        assert mine["n"][metric].loc[wide.index].tolist() == wide["n"].tolist()


def test_model_score_slices_warns_about_small_slices_like_the_scorer():
    model, dl = model_and_loader(n=30)
    with pytest.warns(SmallSliceWarning, match=r"'a' \(n=10\)"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedScoreWarning)
            model.score_slices(dl, min_support=20)


def test_three_classes_learn_with_max_prob_confidence(one_thread):
    torch.manual_seed(0)
    X = torch.randn(300, 2)
    Y = (X[:, 0] > 0).long() + (X[:, 0] > 1).long()  # three bands
    S = pd.DataFrame({"right": (X[:, 0] > 1).numpy()})
    model = SliceAwareClassifier(nn.Sequential(nn.Linear(2, 8), nn.ReLU()), 8, ["right"], n_classes=3)
    assert model.config.confidence == "max_prob"
    dl = model.make_slice_dataloader(DictDataset.from_tensors(X, Y, "train"), S, batch_size=300)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(150):
        optimizer.zero_grad()
        model.training_loss(*next(iter(dl)))[0].backward()
        optimizer.step()
    results = model.predict(dl, return_preds=True)
    assert results["probs"]["task"].shape == (300, 3)
    assert accuracy_score(results["golds"]["task"], results["preds"]["task"]) > 0.95
    assert set(model.score([dl])) >= {"task/SnorkelDataset/train/f1_macro", "task_slice:right_ind/SnorkelDataset/train/f1"}


def test_attention_weights_are_one_row_per_point():
    model, dl = model_and_loader()
    weights = model.attention_weights(dl)
    assert list(weights.columns) == ["a", "b", "base"] and len(weights) == 12
    assert np.allclose(weights.sum(axis=1), 1.0)


def test_base_in_slice_names_is_not_doubled():
    model = SliceAwareClassifier(mlp(), H, ["a", "base"])
    assert model.slice_names == ["a"] and model.all_slice_names == ["a", "base"]


def test_save_and_load_restore_outputs(tmp_path):
    model, dl = model_and_loader()
    model.save(tmp_path / "sub" / "model.pt")
    torch.manual_seed(1)
    other = SliceAwareClassifier(mlp(), H, NAMES)
    X_dict = next(iter(dl))[0]
    assert not torch.allclose(other(X_dict)["task"], model(X_dict)["task"])
    assert other.load(tmp_path / "sub" / "model.pt") is other
    assert torch.equal(other(X_dict)["task"], model(X_dict)["task"])


def test_load_refuses_other_models_and_pickles(tmp_path):
    model, _ = model_and_loader()
    model.save(tmp_path / "model.pt")
    with pytest.raises(ValueError, match=r"holds parameters of a different model \(missing: \[\], unexpected: \[\], other shape: \['slice_weight', 'slice_bias', 'ind_head.weight'"):
        SliceAwareClassifier(mlp(), H, ["a"]).load(tmp_path / "model.pt")
    with pytest.raises(ValueError, match=r"unexpected: \['ind_head.bias', 'ind_head.weight', 'pred_head.bias'"):
        PlainClassifier(mlp(), H).load(tmp_path / "model.pt")
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(pd.DataFrame({"a": [1]}), protocol=2))
    with pytest.raises(ValueError, match="is not a plain state_dict file; refusing to unpickle arbitrary objects"):
        model.load(tmp_path / "evil.pt")


def test_plain_classifier_is_the_backbone_and_head():
    body = mlp()
    plain = PlainClassifier(body, H)
    assert n_params(plain) == n_params(body) + H * 2 + 2
    model, dl = model_and_loader()
    loss, n = plain.training_loss(*next(iter(dl)))  # slice labels are ignored
    assert n == 12 and torch.allclose(loss, F.cross_entropy(plain.head(body(next(iter(dl))[0]["input_data"])), next(iter(dl))[1]["task"]))
    with pytest.warns(UndefinedScoreWarning, match="every metric on empty slices: 'b'"):
        frame = plain.score_slices([dl], as_dataframe=True, min_support=0)  # scored per slice too
    assert frame["slice"].tolist()[:2] == ["overall", "overall"] and frame["n"].tolist()[2] == 4
    assert plain.predict_proba(np.zeros((3, D))).shape == (3, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"base_architecture": lambda x: x}, TypeError, "base_architecture must be a torch.nn.Module, got function"),
        ({"head_dim": 0}, ValueError, r"head_dim must be an int >= 1; got 0 \(int\)\. Set it to the width of the base architecture's output\."),
        ({"head_dim": 6.0}, TypeError, r"head_dim must be an int >= 1; got 6.0 \(float\)"),
        ({"n_classes": 1}, ValueError, r"n_classes must be an int >= 2; got 1 \(int\)"),
        ({"slice_names": "ab"}, TypeError, "slice_names must be a list of slice names \\(str\\), got 'ab'"),
        ({"slice_names": ["a", 3]}, TypeError, "slice_names must be a list of slice names"),
        ({"slice_names": ["a", "b", "a"]}, ValueError, r"slice_names has duplicates \['a'\]"),
        ({"confidence": "entropy"}, ValueError, r"confidence must be one of \('positive', 'max_prob'\); got 'entropy' \(str\)"),
        ({"confidence": "positive", "n_classes": 3}, ValueError, "confidence='positive' needs two classes, got n_classes=3"),
        ({"temperature": 0}, ValueError, r"temperature must be a number > 0; got 0.0 \(float\)"),
        ({"temperature": "1"}, TypeError, r"temperature must be a number > 0; got '1' \(str\)"),
        ({"scorer": "f1"}, TypeError, r"scorer must be a snorkel_slice.analysis.Scorer \(with score and score_slices\), got 'f1'"),
    ],
)
def test_bad_constructor_arguments_are_refused(kwargs, error, match):
    args = {"base_architecture": mlp(), "head_dim": H, "slice_names": NAMES, **kwargs}
    with pytest.raises(error, match=match):
        SliceAwareClassifier(**args)


def test_bad_batches_are_refused():
    model, dl = model_and_loader()
    X_dict, Y_dict = next(iter(dl))
    with pytest.raises(ValueError, match=r"X_dict has no field 'input_data' \(fields: \['x'\]\)"):
        model({"x": X_dict["input_data"]})
    with pytest.raises(ValueError, match=r"base_architecture returned \(12, 6\), expected \(batch, head_dim=4\)"):
        SliceAwareClassifier(mlp(), 4, NAMES)(X_dict)
    with pytest.raises(ValueError, match=r"Y_dict has no labels 'task_slice:a_ind'.*model.make_slice_dataloader\(dataset, S\)"):
        model.training_loss(X_dict, {"task": Y_dict["task"]})
    with pytest.raises(TypeError, match="Expected a DictDataLoader, got list"):
        model.predict([X_dict])
    with pytest.raises(ValueError, match=r"S has no column for slice\(s\) \['b'\]"):
        model.make_slice_dataloader(dl.dataset, pd.DataFrame({"a": np.ones(12, int)}))
    unlabelled = DictDataLoader(DictDataset("d", "test", {"input_data": X_dict["input_data"]}, {}), batch_size=4)
    with pytest.raises(ValueError, match=r"Y_dict has no labels 'task' \(labels: \[\]\)"):
        model.predict(unlabelled)
