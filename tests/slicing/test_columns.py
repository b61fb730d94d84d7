"""Rows carry the columns SFs read (guessed from code); any other column is read on demand."""

import functools

import numpy as np
import pandas as pd
import pytest
from snorkel.slicing import PandasSFApplier as SnorkelApplier
from snorkel.slicing import SlicingFunction as SnorkelSF

from snorkel_slice.preprocess import preprocessor
from snorkel_slice.row import LazyRow, Row, copy_row
from snorkel_slice.slicing import PandasSFApplier
from snorkel_slice.slicing.columns import guess_columns
from snorkel_slice.slicing.sf import SlicingFunction

WIDE = pd.DataFrame({"text": ["hi", "hello there", "ok!"], "n": [1, 5, 2], "tag": ["a", "b", "a"],
                     **{f"c{j}": [j, j + 1, j + 2] for j in range(20)}})


def reads_tag(x):
    return helper(x)


def helper(x):
    return x.tag == "a"


def test_guess_follows_attributes_items_helpers_closures_resources_and_preprocessors():
    column = "n"
    sfs = [
        SlicingFunction("attr", lambda x: len(x.text) < 3),
        SlicingFunction("by_item", lambda x: x["c3"] > 3),
        SlicingFunction("helper", reads_tag),
        SlicingFunction("closure", lambda x: x[column] > 1),
        SlicingFunction("resource", lambda x, field: x[field] > 1, resources=dict(field="c7")),
        SlicingFunction("pre", lambda x: x.flag, pre=[preprocessor(name="flag")(functools.partial(_flag, key="c9"))]),
    ]
    assert guess_columns(sfs, list(WIDE.columns)) == ["text", "n", "tag", "c3", "c7", "c9"]


def _flag(x, key):
    x.flag = x[key] > 0
    return x


def test_a_column_the_guess_misses_is_read_on_demand_and_S_equals_snorkel():
    def by_name(x, name):  # getattr with a computed name: no guess can see it
        return getattr(x, name + "5") > 5

    def listing(x):  # sees every field, in column order
        return list(x.keys()) == list(WIDE.columns) and len(x) == WIDE.shape[1]

    ours = [SlicingFunction("by_name", by_name, resources=dict(name="c")),
            SlicingFunction("listing", listing),
            SlicingFunction("contains", lambda x: "c19" in x and x.get("c19") > 20)]
    theirs = [SnorkelSF(sf.name, sf.f, resources=sf.resources) for sf in ours]
    S = PandasSFApplier(ours).apply(WIDE, progress_bar=False)
    expected = SnorkelApplier(theirs).apply(WIDE, progress_bar=False)
    assert S.dtype == expected.dtype and np.array_equal(S, expected)
    assert S.listing.tolist() == [1, 1, 1] and S.by_name.tolist() == [0, 1, 1]


def test_lazy_row_reads_once_materializes_in_column_order_and_pickles_as_a_row():
    import pickle

    columns = {"a": [1, 2], "b": ["x", "y"], "c": [0.5, 1.5]}
    x = LazyRow.from_columns({"b": "y"}, columns, position=1, name=7)
    assert x.__dict__ == {"b": "y"}
    assert x.c == 1.5 and x.__dict__ == {"b": "y", "c": 1.5}
    x.new = 3
    y = copy_row(x)
    assert type(y) is LazyRow and y.a == 2 and "a" not in x.__dict__
    assert x.to_dict() == {"a": 2, "b": "y", "c": 1.5, "new": 3}
    with pytest.raises(AttributeError, match=r"the row has no field 'd'; its fields are: 'a', 'b', 'c', 'new'"):
        x.d  # noqa: B018
    with pytest.raises(KeyError, match=r"no field 'd'"):
        x["d"]
    z = pickle.loads(pickle.dumps(LazyRow.from_columns({}, columns, 0, name=1)))
    assert type(z) is Row and z.to_dict() == {"a": 1, "b": "x", "c": 0.5} and z.name == 1


def test_a_memoized_preprocessor_keys_on_every_column_as_before():
    calls = []

    @preprocessor(memoize=True)
    def count(x):
        calls.append(x.name)
        return x

    sf = SlicingFunction("short", lambda x: len(x.text) < 3, pre=[count])
    same_text = pd.DataFrame({"text": ["hi", "hi", "hi"], "other": [1, 1, 2]})
    PandasSFApplier([sf]).apply(same_text, progress_bar=False)
    assert calls == [0, 2]  # rows 0 and 1 are equal in every column; row 2 differs in `other`
