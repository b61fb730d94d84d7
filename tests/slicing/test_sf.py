"""SFs, preprocessors and the Row they receive: behaviour, Snorkel parity, and every error message."""

import pickle
from types import SimpleNamespace

import numpy as np
import pytest
from snorkel.preprocess import preprocessor as snorkel_preprocessor
from snorkel.slicing import slicing_function as snorkel_slicing_function

from snorkel_slice.preprocess.core import LambdaPreprocessor, preprocessor
from snorkel_slice.row import Row, copy_row
from snorkel_slice.slicing.sf import SlicingFunction, slicing_function


def has_keyword(x, keywords):
    return any(word in x.text.lower() for word in keywords)


def add_length(x):
    x.length = len(x.text)
    return x


# --- Row ---------------------------------------------------------------------------------------


def test_row_attribute_item_and_name_access():
    x = Row({"text": "hi there", "name": "bob"}, name=7)
    assert (x.text, x["text"], x.name, x["name"]) == ("hi there", "hi there", 7, "bob")
    x.polarity = 0.5
    x["score"] = 2
    assert (x["polarity"], x.score, "score" in x, "nope" in x) == (0.5, 2, True, False)
    assert x.keys() == ["text", "name", "polarity", "score"]
    assert list(x) == ["hi there", "bob", 0.5, 2]  # like a Series: iterating gives values
    assert (len(x), x.get("nope", -1), x.to_dict()["score"]) == (4, -1, 2)


def test_row_column_named_like_a_method_still_reads_as_attribute():
    x = Row({"keys": "k", "copy": "c"})
    assert (x.keys, x.copy, copy_row(x).copy) == ("k", "c", "c")


def test_row_copy_is_independent_and_pickles():
    x = Row({"a": 1}, name="r1")
    y = copy_row(x)
    y.a, y.b = 2, 3
    assert (x.to_dict(), y.to_dict(), y.name) == ({"a": 1}, {"a": 2, "b": 3}, "r1")
    z = pickle.loads(pickle.dumps(y))
    assert (z.to_dict(), z.name) == ({"a": 2, "b": 3}, "r1")


@pytest.mark.parametrize(
    "access, error",
    [(lambda x: x.txt, AttributeError), (lambda x: x["txt"], KeyError)],
)
def test_row_missing_field_names_the_fields(access, error):
    with pytest.raises(error, match=r"the row has no field 'txt'; its fields are: 'text', 'label'"):
        access(Row({"text": "a", "label": 0}))


# --- SlicingFunction ---------------------------------------------------------------------------


def test_sf_runs_pre_then_f_with_resources():
    sf = SlicingFunction(
        "long_please",
        lambda x, keywords: has_keyword(x, keywords) and x.length > 10,
        resources={"keywords": ["please"]},
        pre=[LambdaPreprocessor("add_length", add_length)],
    )
    assert sf(Row({"text": "please subscribe"})) is True
    assert sf(Row({"text": "please"})) is False
    assert (sf.name, sf.resources, [p.name for p in sf.pre]) == (
        "long_please",
        {"keywords": ["please"]},
        ["add_length"],
    )


def test_decorator_defaults_name_and_matches_snorkel_on_bools():
    def short(x):
        return len(x.text.split()) < 3

    ours, theirs = slicing_function()(short), snorkel_slicing_function()(short)
    assert ours.name == theirs.name == "short"
    assert isinstance(ours, SlicingFunction)
    for text in ["cool", "a much longer comment here", ""]:
        x = SimpleNamespace(text=text)
        assert ours(x) == theirs(x)
    assert slicing_function(name="renamed")(short).name == "renamed"


def test_numpy_bool_is_accepted_and_returned_as_python_bool():
    sf = SlicingFunction("big", lambda x: np.float64(x.a) > 1)
    assert sf(Row({"a": 2})) is True


@pytest.mark.parametrize(
    "value, match",
    [
        (
            -1,
            r"SF 'bad' returned -1 \(int\), expected True or False\. An int such as 1, 0 or -1 "
            r"looks like a labeling function's label",
        ),
        (1, r"SF 'bad' returned 1 \(int\).*labeling function's label"),
        (0, r"SF 'bad' returned 0 \(int\).*labeling function's label"),
        (np.int64(1), r"SF 'bad' returned np.int64\(1\) \(int64\).*labeling function's label"),
        (None, r"SF 'bad' returned None \(NoneType\).*Did the function miss a `return`"),
        ("yes", r"SF 'bad' returned 'yes' \(str\).*Return a bool, e\.g\. `return bool\(\.\.\.\)`"),
        (1.0, r"SF 'bad' returned 1\.0 \(float\), expected True or False\. Return a bool"),
        (np.array([True]), r"SF 'bad' returned array\(\[ True\]\) \(ndarray\)"),
    ],
)
def test_non_bool_return_raises_type_error(value, match):
    sf = SlicingFunction("bad", lambda x: value)
    with pytest.raises(TypeError, match=match):
        sf(Row({"a": 1}))


def f_of_x(x):
    return True


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(name=3), TypeError, r"SF name must be a str, got int 3; pass name='my_slice'"),
        (dict(name=""), ValueError, r"SF name '' is not a Python identifier.*Try 'my_slice'"),
        (
            dict(name="short-link"),
            ValueError,
            r"SF name 'short-link' is not a Python identifier .*S\.<name>\. Try 'short_link'",
        ),
        (dict(name="2short"), ValueError, r"SF name '2short' is not .*Try 'sf_2short'"),
        (dict(name="class"), ValueError, r"SF name 'class' is a Python keyword.*try 'class_'"),
        (
            dict(name="overall"),
            ValueError,
            r"SF name 'overall' is reserved \(the whole-data row of scores.*try 'sf_overall'",
        ),
        (
            dict(name="size"),
            ValueError,
            r"SF name 'size' is an attribute of numpy recarrays.*try 'sf_size'",
        ),
        (dict(name="base"), ValueError, r"SF name 'base' is reserved \(.*the slice-aware model's slice of all data points\); try 'sf_base'"),
        (
            dict(f="not callable"),
            TypeError,
            r"SF 'ok': f must be a function of one data point returning a bool, got str",
        ),
        (
            dict(resources=["please"]),
            TypeError,
            r"SF 'ok': resources must be a dict of keyword arguments for f, got list",
        ),
        (
            dict(resources={"keywords": 1}),
            TypeError,
            r"SF 'ok': f\(x\) cannot be called as f\(x, \*\*resources\) with resources \['keywords'\]",
        ),
        (
            dict(pre=LambdaPreprocessor("p", add_length)),
            TypeError,
            r"SF 'ok': pre must be a list of Preprocessors, got LambdaPreprocessor; wrap a single one",
        ),
        (
            dict(pre=[add_length]),
            TypeError,
            r"SF 'ok': pre\[0\] must be a snorkel_slice Preprocessor, got builtins.function",
        ),
        (
            dict(pre=[snorkel_preprocessor()(add_length)]),
            TypeError,
            r"pre\[0\] must be a snorkel_slice Preprocessor, got snorkel.map.core.LambdaMapper",
        ),
    ],
)
def test_sf_constructor_rejects_bad_arguments(kwargs, error, match):
    args = dict(name="ok", f=f_of_x) | kwargs
    with pytest.raises(error, match=match):
        SlicingFunction(**args)


def test_decorators_without_parentheses_say_how_to_fix():
    with pytest.raises(ValueError, match=r"@slicing_function needs parentheses \(the decorator is missing parentheses\): write "):
        slicing_function(f_of_x)
    with pytest.raises(
        ValueError, match=r"@preprocessor needs parentheses \(the decorator is missing parentheses\): write @preprocessor\(\)"
    ):
        preprocessor(add_length)


# --- Preprocessor ------------------------------------------------------------------------------
