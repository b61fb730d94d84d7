"""Preprocessors: copies, chaining, memoization, Snorkel parity, and every error message."""

import pickle
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from snorkel.preprocess import preprocessor as snorkel_preprocessor

from snorkel_slice.preprocess.core import LambdaPreprocessor, preprocessor
from snorkel_slice.preprocess.memo import content_key
from snorkel_slice.row import Row


def add_length(x):
    x.length = len(x.text)
    return x


def test_preprocessor_works_on_a_copy_and_chains_pre_first():
    calls = []

    def first(x):
        calls.append("first")
        x.text = x.text.upper()
        return x

    def second(x):
        calls.append("second")
        x.shout = x.text + "!"
        return x

    p = preprocessor(pre=[LambdaPreprocessor("first", first)])(second)
    x = Row({"text": "hi"}, name=4)
    y = p(x)
    assert (calls, y.shout, y.name, x.to_dict()) == (["first", "second"], "HI!", 4, {"text": "hi"})


def test_preprocessor_matches_snorkel_on_namespaces():
    ours, theirs = preprocessor()(add_length), snorkel_preprocessor()(add_length)
    x = SimpleNamespace(text="hello")
    assert vars(ours(x)) == vars(theirs(x)) == {"text": "hello", "length": 5}
    assert vars(x) == {"text": "hello"}  # both leave the caller's point alone


def test_memoize_computes_each_distinct_row_once_and_survives_calls():
    calls = []

    def count(x):
        calls.append(x.text)
        x.length = len(x.text)
        return x

    p = LambdaPreprocessor("count", count, memoize=True)
    rows = [Row({"text": t}, name=i) for i, t in enumerate(["a", "bb", "a", "bb", "a"])]
    outputs = [p(x) for x in rows] + [p(x) for x in rows]  # the second pass is all cache hits
    assert calls == ["a", "bb"]
    assert [y.length for y in outputs] == [1, 2, 1, 2, 1] * 2
    assert [y.name for y in outputs] == [0, 1, 2, 3, 4] * 2  # a hit keeps the caller's index
    p.reset_cache()
    p(rows[0])
    assert calls == ["a", "bb", "a"] and len(p.cache_) == 1


def test_memoized_output_is_protected_from_mutation_by_sfs():
    p = LambdaPreprocessor("add_length", add_length, memoize=True)
    first = p(Row({"text": "abc"}))
    first.length = 99  # a careless SF
    assert p(Row({"text": "abc"})).length == 3


def test_memoized_and_plain_preprocessors_agree_on_equal_but_differently_typed_values():
    def describe(x):
        x.described = repr(x.a)
        return x

    memo, plain = LambdaPreprocessor("m", describe, memoize=True), LambdaPreprocessor("p", describe)
    rows = [Row({"a": v}) for v in [1, 1.0, True, 1, [1, 2], (1, 2), np.array([1, 2])]]
    assert [memo(x).described for x in rows] == [plain(x).described for x in rows]


def test_content_key_ignores_index_and_handles_unhashable_values():
    assert content_key(Row({"a": [1, {"k": 2}]}, name=1)) == content_key(Row({"a": [1, {"k": 2}]}))
    assert content_key(SimpleNamespace(a=1)) == content_key({"a": 1})
    assert content_key(pd.Series({"a": 1})) == content_key({"a": 1})


def test_custom_memoize_key():
    p = LambdaPreprocessor("add_length", add_length, memoize=True, memoize_key=lambda x: x.text)
    p(Row({"text": "abc", "other": 1}))
    assert list(p.cache_) == ["abc"]


class Unhashable:
    __hash__ = None


@pytest.mark.parametrize(
    "memoize_key, x, match",
    [
        (
            lambda x: [x.text],
            Row({"text": "a"}),
            r"Preprocessor 'p': memoize_key returned an unhashable key \(unhashable type: 'list'\)",
        ),
        (
            None,
            Row({"text": Unhashable()}),
            r"Preprocessor 'p': cannot build a memoize key from a Unhashable value\. Pass memoize_key",
        ),
    ],
)
def test_unhashable_memoize_key_is_explained(memoize_key, x, match):
    p = LambdaPreprocessor("p", add_length, memoize=True, memoize_key=memoize_key)
    with pytest.raises(TypeError, match=match):
        p(x)


def test_preprocessor_returning_none_is_none_as_in_snorkel_and_the_sf_says_add_return():
    from snorkel.preprocess import preprocessor as snorkel_pre

    from snorkel_slice.slicing import SlicingFunction

    def forgot(x):
        x.length = 1

    assert preprocessor()(forgot)(Row({"text": "a"})) is None is snorkel_pre()(forgot)(SimpleNamespace(text="a"))
    memo = preprocessor(memoize=True)(forgot)
    assert memo(Row({"text": "a"})) is None and memo(Row({"text": "a"})) is None  # cached None
    with pytest.raises(TypeError, match=r"SF 'uses_it': preprocessor 'forgot' returned None, .*add `return x`"):
        SlicingFunction("uses_it", lambda x: True, pre=[preprocessor()(forgot)])(Row({"text": "a"}))


def test_run_with_star_args_cannot_be_mapped_to_fields():
    from snorkel_slice.preprocess import Preprocessor

    class Loose(Preprocessor):
        def run(self, **kwargs):
            return kwargs

    with pytest.raises(ValueError, match=r"Preprocessor 'loose': run must name the fields it reads"):
        Loose("loose")


def test_pickled_preprocessor_starts_with_an_empty_cache():
    p = LambdaPreprocessor("add_length", add_length, memoize=True)
    p(Row({"text": "abc"}))
    q = pickle.loads(pickle.dumps(p))
    assert (len(p.cache_), len(q.cache_), q.memoize) == (1, 0, True)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(name=""), r"Preprocessor name must be a non-empty str, got '' \(str\)"),
        (dict(name=None), r"Preprocessor name must be a non-empty str, got None \(NoneType\)"),
        (dict(f=3), r"Preprocessor 'p': f must be a function of one data point, got int 3"),
        (
            dict(pre=[add_length]),
            r"Preprocessor 'p': pre\[0\] must be a snorkel_slice Preprocessor",
        ),
        (dict(memoize="yes"), r"Preprocessor 'p': memoize must be True or False, got 'yes'"),
        (dict(memoize_key="text"), r"Preprocessor 'p': memoize_key must be a function data point"),
    ],
)
def test_preprocessor_constructor_rejects_bad_arguments(kwargs, match):
    with pytest.raises(TypeError, match=match):
        LambdaPreprocessor(**(dict(name="p", f=add_length) | kwargs))


# --- Snorkel's three preprocessor classes --------------------------------------------------------


def test_subclassed_preprocessor_reads_and_writes_fields_like_snorkels():
    from snorkel.preprocess import Preprocessor as SnorkelPreprocessor

    from snorkel_slice.preprocess import BasePreprocessor, Preprocessor

    def make(base):
        class Upper(base):
            def run(self, text):
                return {"upper": text.upper()}

        return Upper

    ours, theirs = make(Preprocessor)("upper"), make(SnorkelPreprocessor)("upper")
    x = SimpleNamespace(text="hi", n=1)
    assert vars(ours(x)) == vars(theirs(x)) == {"text": "hi", "n": 1, "upper": "HI"}
    assert vars(x) == {"text": "hi", "n": 1}  # the caller's point is untouched
    renamed = make(Preprocessor)("upper", field_names={"text": "n_text"}, mapped_field_names={"upper": "shout"})
    assert renamed(SimpleNamespace(n_text="a")).shout == "A"
    assert isinstance(ours, BasePreprocessor)


def test_lambda_preprocessor_equals_snorkels():
    from snorkel.preprocess import LambdaPreprocessor as SnorkelLambda

    ours, theirs = LambdaPreprocessor("add_length", add_length), SnorkelLambda("add_length", add_length)
    x = SimpleNamespace(text="hello")
    assert vars(ours(x)) == vars(theirs(x)) == {"text": "hello", "length": 5}


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: __import__("snorkel_slice.preprocess").preprocess.Preprocessor("p", add_length), TypeError,
         r"Preprocessor 'p': a function goes to LambdaPreprocessor\(name, f\) \(or @preprocessor\(\)\)"),
        (lambda: __import__("snorkel_slice.preprocess").preprocess.Preprocessor("p")(SimpleNamespace(text="a")),
         NotImplementedError, r"Preprocessor 'p': subclass Preprocessor and define run"),
        (lambda: __import__("snorkel_slice.preprocess").preprocess.BasePreprocessor("p")(SimpleNamespace(text="a")),
         NotImplementedError, r"BasePreprocessor 'p' has no step of its own"),
        (lambda: __import__("snorkel_slice.preprocess").preprocess.Preprocessor("p", field_names=["text"]), TypeError,
         r"Preprocessor 'p': field_names must be a dict \{name: field\}; got list"),
    ],
)
def test_bad_preprocessor_classes_are_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_run_that_returns_a_non_dict_is_named():
    from snorkel_slice.preprocess import Preprocessor

    class Bad(Preprocessor):
        def run(self, text):
            return text.upper()

    with pytest.raises(TypeError, match=r"Preprocessor 'bad': run must return a dict \{field: value\}; got str"):
        Bad("bad")(SimpleNamespace(text="a"))
