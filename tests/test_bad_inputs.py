"""One table of bad inputs across the public API: each must fail with a message that names the
argument, SF or column at fault, says what was received, and says how to fix it (HOUSE_STYLE.md).

Every case is ``(call, error, match)``: ``call`` runs one bad call on the tiny literal fixtures
below, and ``match`` pins the important parts of its message. Nothing here touches the network:
the download cases fail on their arguments before any connection is made.
"""

import os
import tempfile
from pathlib import Path
from unittest import mock

import dask.dataframe as dd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.feature_extraction.text import CountVectorizer
from torch import nn
from torch.utils.data import TensorDataset

from snorkel_slice import (
    DaskSFApplier,
    PandasSFApplier,
    Preprocessor,
    Scorer,
    SlicingFunction,
    circle_slices,
    make_circle_data,
    plot_slice_scores,
    plot_slice_summary,
    preprocessor,
    slice_dataframe,
    slice_overlap,
    slice_summary,
    slicing_function,
)
from snorkel_slice.classification import DictDataLoader, DictDataset, PlainClassifier
from snorkel_slice.datasets import (
    SPAM_FILES,
    create_dict_dataloader,
    df_to_features,
    fetch_spam_data,
    get_pytorch_mlp,
    load_spam_dataset,
    make_spam_sfs,
)
from snorkel_slice.row import Row
from snorkel_slice.slicing import (
    SFApplier,
    SliceAwareClassifier,
    SlicingFunctionError,
    make_slice_dataloader,
)
from snorkel_slice.utils import preds_to_probs, probs_to_preds
from snorkel_slice.validation import (
    check_bool,
    check_choice,
    check_int,
    check_real,
    check_same_length,
)

matplotlib.use("Agg")  # the plot cases fail before drawing, but never open a window

# --- Tiny literal fixtures ----------------------------------------------------------------------

TMP = Path(tempfile.mkdtemp(prefix="snorkel_slice_bad_inputs_"))  # model and data files, if any
DF = pd.DataFrame(
    {
        "text": ["cool video", "check out my channel", "plz subscribe", "nice", "love it", "go to bit.ly/x"],
        "label": [0, 1, 1, 0, 0, 1],
    }
)
DDF = dd.from_pandas(DF, npartitions=2)
S = np.rec.fromarrays([[1, 0, 0, 1, 1, 0], [0, 1, 0, 0, 0, 1]], names=["short", "link"])
S_DF = pd.DataFrame({"short": S.short, "link": S.link})
GOLDS = np.array([0, 1, 1, 0, 0, 1])
PREDS = np.array([0, 1, 0, 0, 1, 1])
PROBS = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3], [0.4, 0.6], [0.1, 0.9]])
X = torch.linspace(0, 1, 18).view(6, 3)
Y = torch.tensor([0, 1, 1, 0, 0, 1])
DS = DictDataset.from_tensors(X, Y, "test")
DL = DictDataLoader(DS, batch_size=6)
EMPTY_DL = DictDataLoader(DictDataset.from_tensors(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long), "test"))
SPAM_TASK_DL = DictDataLoader(DictDataset.from_tensors(X, Y, "test", task_name="spam"))
FEATURES_KEY_DL = DictDataLoader(DictDataset.from_tensors(X, Y, "test", input_data_key="features"))
PLAIN = PlainClassifier(nn.Linear(3, 4), head_dim=4)
AWARE = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["short", "link"])
SLICE_DL = AWARE.make_slice_dataloader(DS, S, batch_size=6)
SUMMARY = slice_summary(S, GOLDS)
SCORES = Scorer(["accuracy"], min_support=0).score_slices(S, GOLDS, PREDS, as_dataframe=True)


def is_short(x):
    return len(x.text) < 10


def has_keyword(x, keywords):
    return any(word in x.text for word in keywords)


def reads_missing_field(x):
    return x.txt == ""


def reads_missing_item(x):
    return x["txt"] == ""


def returns_label(x):
    return 1


def add_length(x):
    x.length = len(x.text)
    return x


def forgets_return(x):
    x.length = len(x.text)


SHORT = SlicingFunction("short", is_short)
MISSING = SlicingFunction("reads_missing", reads_missing_field)


class SplitWords(Preprocessor):
    def run(self, text):
        return {"words": text.split()}


class ReturnsList(Preprocessor):
    def run(self, text):
        return text.split()


def model_file(name, model):
    path = TMP / name
    model.save(path)
    return path


def load_garbage():
    path = TMP / "garbage.pt"
    path.write_bytes(b"not a model")
    return PLAIN.load(path)


def load_truncated():
    path = model_file("truncated.pt", PLAIN)
    path.write_bytes(path.read_bytes()[:200])
    return PLAIN.load(path)


def fetch_from_bad_source():
    source = TMP / "bad_source"
    source.mkdir(exist_ok=True)
    for name in SPAM_FILES:
        (source / name).write_text("COMMENT_ID,AUTHOR\n")
    return fetch_spam_data(TMP / "data_bad_source", source_dir=source, progress_bar=False)


def fetch_into_damaged_folder():
    folder = TMP / "data_damaged" / "youtube-spam"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SPAM_FILES:
        (folder / name).write_text("COMMENT_ID,AUTHOR\n")
    return fetch_spam_data(TMP / "data_damaged", progress_bar=False)


def fetch_from_ftp():
    # No local source, so fetch_spam_data would download: the scheme is refused before connecting.
    with mock.patch.dict(os.environ, {"YOUTUBE_SPAM_DIR": "", "YOUTUBE_SPAM_URL": ""}):
        return fetch_spam_data(TMP / "data_ftp", url="ftp://example.org/spam.zip", progress_bar=False)


def empty_folder():
    folder = TMP / "empty"
    folder.mkdir(exist_ok=True)
    return folder


def scorer():
    return Scorer(["accuracy"], min_support=0)


# --- The table ----------------------------------------------------------------------------------

NOT_S = r"S must be a 1-d record array with one field per slice \(what PandasSFApplier\.apply returns\), a DataFrame of 0/1 columns, or a matrix with slice_names; got "
NOT_S_HINT = r"\. For a plain 0/1 matrix use pd\.DataFrame\(S, columns=slice_names\)"
FAULT_HINT = r"Snorkel's fault-tolerant applier writes -1 for a failed SF"
BAD_ROW_HINT = r"-- fix the SF, or pass fault_tolerant=True to count such rows as faults"

CASES = [
    # SlicingFunction and @slicing_function: names
    pytest.param(lambda: SlicingFunction(3, is_short), TypeError, r"SF name must be a str, got int 3; pass name='my_slice'", id="sf-name-int"),
    pytest.param(lambda: SlicingFunction("short-comment", is_short), ValueError, r"SF name 'short-comment' is not a Python identifier .*it becomes a field of S, read as S\.<name>\. Try 'short_comment'", id="sf-name-dash"),
    pytest.param(lambda: SlicingFunction("short comment", is_short), ValueError, r"SF name 'short comment' is not a Python identifier .*Try 'short_comment'", id="sf-name-space"),
    pytest.param(lambda: SlicingFunction("1st", is_short), ValueError, r"SF name '1st' is not a Python identifier \(letters, digits and underscores, not starting with a digit\).*Try 'sf_1st'", id="sf-name-digit"),
    pytest.param(lambda: SlicingFunction("", is_short), ValueError, r"SF name '' is not a Python identifier .*Try 'my_slice'", id="sf-name-empty"),
    pytest.param(lambda: SlicingFunction("class", is_short), ValueError, r"SF name 'class' is a Python keyword, so S\.class would be a syntax error; try 'class_'", id="sf-name-keyword"),
    pytest.param(lambda: SlicingFunction("overall", is_short), ValueError, r"SF name 'overall' is reserved \(the whole-data row of scores.*try 'sf_overall'", id="sf-name-overall"),
    pytest.param(lambda: SlicingFunction("base", is_short), ValueError, r"SF name 'base' is reserved .*slice-aware model's slice of all data points\); try 'sf_base'", id="sf-name-base"),
    pytest.param(lambda: SlicingFunction("shape", is_short), ValueError, r"SF name 'shape' is an attribute of numpy recarrays, so S\.shape would not return the slice.*try 'sf_shape'", id="sf-name-recarray-attr"),
    pytest.param(lambda: slicing_function()(lambda x: True), ValueError, r"SF name '<lambda>' is not a Python identifier .*Try '_lambda_'", id="sf-decorator-lambda-name"),
    pytest.param(lambda: slicing_function(name="my slice")(is_short), ValueError, r"SF name 'my slice' is not a Python identifier .*Try 'my_slice'", id="sf-decorator-bad-name"),
    # SlicingFunction and @slicing_function: f, resources, pre
    pytest.param(lambda: SlicingFunction("ok", "is_short"), TypeError, r"SF 'ok': f must be a function of one data point returning a bool, got str 'is_short'", id="sf-f-str"),
    pytest.param(lambda: slicing_function(name="ok")(3), TypeError, r"SF 'ok': f must be a function of one data point returning a bool, got int 3", id="sf-decorator-f-int"),
    pytest.param(lambda: SlicingFunction("ok", lambda: True), TypeError, r"SF 'ok': f\(\) cannot be called as f\(x, \*\*resources\) with resources \[\] \(too many positional arguments\)\. f must take the data point first", id="sf-f-no-argument"),
    pytest.param(lambda: SlicingFunction("ok", has_keyword, resources=["please"]), TypeError, r"SF 'ok': resources must be a dict of keyword arguments for f, got list; e\.g\. resources=dict\(keywords=\['please'\]\)", id="sf-resources-list"),
    pytest.param(lambda: SlicingFunction("ok", has_keyword, resources=dict(keyword=["please"])), TypeError, r"SF 'ok': f\(x, keywords\) cannot be called as f\(x, \*\*resources\) with resources \['keyword'\] \(missing a required argument: 'keywords'\)\. f must take the data point first, then one keyword argument per resource", id="sf-resources-misspelt"),
    pytest.param(lambda: SlicingFunction("ok", has_keyword), TypeError, r"SF 'ok': f\(x, keywords\) cannot be called .*with resources \[\] \(missing a required argument: 'keywords'\)\. f must take the data point first, then one keyword argument per resource", id="sf-resources-missing"),
    pytest.param(lambda: slicing_function(resources={"kw": 1})(is_short), TypeError, r"SF 'is_short': f\(x\) cannot be called .*with resources \['kw'\] \(got an unexpected keyword argument 'kw'\)\. f must take the data point first", id="sf-decorator-resources-unexpected"),
    pytest.param(lambda: slicing_function(is_short), ValueError, r"@slicing_function needs parentheses \(the decorator is missing parentheses\): write @slicing_function\(\) above the function", id="sf-decorator-no-parentheses"),
    pytest.param(lambda: slicing_function(pre="add_length")(is_short), TypeError, r"SF 'is_short': pre must be a list of Preprocessors, got str; wrap a single one in a list: pre=\[my_preprocessor\]", id="sf-pre-str"),
    pytest.param(lambda: SlicingFunction("ok", is_short, pre=preprocessor()(add_length)), TypeError, r"SF 'ok': pre must be a list of Preprocessors, got LambdaPreprocessor; wrap a single one in a list", id="sf-pre-single"),
    pytest.param(lambda: SlicingFunction("ok", is_short, pre=[add_length]), TypeError, r"SF 'ok': pre\[0\] must be a snorkel_slice Preprocessor, got builtins\.function; build it with @snorkel_slice\.preprocess\.preprocessor\(\)", id="sf-pre-function"),
    # SlicingFunction: bad returns
    pytest.param(lambda: SlicingFunction("ok", returns_label)(Row({"text": "a"})), TypeError, r"SF 'ok' returned 1 \(int\), expected True or False\. An int such as 1, 0 or -1 looks like a labeling function's label.*Return a bool, e\.g\. `return bool\(\.\.\.\)`", id="sf-returns-label"),
    pytest.param(lambda: SlicingFunction("ok", lambda x: np.int64(-1))(Row({"text": "a"})), TypeError, r"SF 'ok' returned np\.int64\(-1\) \(int64\), expected True or False\. An int such as 1, 0 or -1 looks like a labeling function's label.*Return a bool", id="sf-returns-numpy-abstain"),
    pytest.param(lambda: SlicingFunction("ok", lambda x: None)(Row({"text": "a"})), TypeError, r"SF 'ok' returned None \(NoneType\), expected True or False\. Did the function miss a `return` on some path\?", id="sf-returns-none"),
    pytest.param(lambda: SlicingFunction("ok", lambda x: "yes")(Row({"text": "a"})), TypeError, r"SF 'ok' returned 'yes' \(str\), expected True or False\. Return a bool, e\.g\. `return bool\(\.\.\.\)`", id="sf-returns-str"),
    pytest.param(lambda: SlicingFunction("ok", lambda x: 0.7)(Row({"text": "a"})), TypeError, r"SF 'ok' returned 0\.7 \(float\), expected True or False\. Return a bool, e\.g\. .*`len\(x\.text\) < 20`", id="sf-returns-float"),
    pytest.param(lambda: SlicingFunction("ok", lambda x: np.array([True]))(Row({"text": "a"})), TypeError, r"SF 'ok' returned array\(\[ True\]\) \(ndarray\), expected True or False\. Return a bool", id="sf-returns-array"),
    # Preprocessor and @preprocessor
    pytest.param(lambda: preprocessor(add_length), ValueError, r"@preprocessor needs parentheses \(the decorator is missing parentheses\): write @preprocessor\(\) \(or @preprocessor\(memoize=True\)\) above the function", id="pre-decorator-no-parentheses"),
    pytest.param(lambda: preprocessor(name="")(add_length), TypeError, r"Preprocessor name must be a non-empty str, got '' \(str\); pass name='my_preprocessor'", id="pre-name-empty"),
    pytest.param(lambda: preprocessor(name=3)(add_length), TypeError, r"Preprocessor name must be a non-empty str, got 3 \(int\); pass name='my_preprocessor'", id="pre-name-int"),
    pytest.param(lambda: SplitWords(None), TypeError, r"Preprocessor name must be a non-empty str, got None \(NoneType\); pass name='my_preprocessor'", id="pre-subclass-name-none"),
    pytest.param(lambda: preprocessor(name="p")(3), TypeError, r"@preprocessor\(\) decorates a function of one data point; got int 3", id="pre-f-int"),
    pytest.param(lambda: Preprocessor("p", add_length), TypeError, r"Preprocessor 'p': a function goes to LambdaPreprocessor\(name, f\) \(or @preprocessor\(\)\); Preprocessor is subclassed with a run method", id="pre-function-to-base-class"),
    pytest.param(lambda: preprocessor(pre=preprocessor()(add_length))(add_length), TypeError, r"Preprocessor 'add_length': pre must be a list of Preprocessors, got LambdaPreprocessor; wrap a single one in a list: pre=\[my_preprocessor\]", id="pre-pre-single"),
    pytest.param(lambda: SplitWords("split", pre=[add_length]), TypeError, r"Preprocessor 'split': pre\[0\] must be a snorkel_slice Preprocessor, got builtins\.function; build it with @snorkel_slice\.preprocess\.preprocessor\(\)", id="pre-pre-function"),
    pytest.param(lambda: preprocessor(memoize="yes")(add_length), TypeError, r"Preprocessor 'add_length': memoize must be True or False, got 'yes'", id="pre-memoize-str"),
    pytest.param(lambda: preprocessor(memoize=True, memoize_key="text")(add_length), TypeError, r"Preprocessor 'add_length': memoize_key must be a function data point -> hashable key, or None for the default key; got str", id="pre-memoize-key-str"),
    pytest.param(lambda: SplitWords("split", field_names=["text"]), TypeError, r"Preprocessor 'split': field_names must be a dict \{name: field\}; got list", id="pre-field-names-list"),
    pytest.param(lambda: SplitWords("split", mapped_field_names="words"), TypeError, r"Preprocessor 'split': mapped_field_names must be a dict \{name: field\}; got str", id="pre-mapped-field-names-str"),
    pytest.param(lambda: SlicingFunction("ok", is_short, pre=[preprocessor()(forgets_return)])(Row({"text": "a"})), TypeError, r"SF 'ok': preprocessor 'forgets_return' returned None, so there is no data point to slice\. Make it return the data point \(add `return x`\)", id="pre-returns-none"),
    pytest.param(lambda: ReturnsList("split")(Row({"text": "a b"})), TypeError, r"Preprocessor 'split': run must return a dict \{field: value\}; got list", id="pre-run-returns-list"),
    pytest.param(lambda: Preprocessor("p")(Row({"text": "a"})), NotImplementedError, r"Preprocessor 'p': subclass Preprocessor and define run\(self, <field>, \.\.\.\) returning a dict of new fields", id="pre-base-class-without-run"),
    pytest.param(lambda: preprocessor(memoize=True, memoize_key=lambda x: [x.text])(add_length)(Row({"text": "a"})), TypeError, r"Preprocessor 'add_length': memoize_key returned an unhashable key \(unhashable type: 'list'\); return a tuple of str/numbers instead", id="pre-memoize-key-unhashable"),
    pytest.param(lambda: preprocessor(memoize=True)(add_length)(Row({"text": "a", "raw": bytearray(b"x")})), TypeError, r"Preprocessor 'add_length': cannot build a memoize key from a bytearray value\. Pass memoize_key=\.\.\. to say how to key it", id="pre-memoize-unhashable-field"),
    # PandasSFApplier: sfs
    pytest.param(lambda: PandasSFApplier(SHORT), TypeError, r"sfs must be a list of SFs, got a single SF; wrap it: \[my_sf\]", id="pandas-sfs-single"),
    pytest.param(lambda: PandasSFApplier("short"), TypeError, r"sfs must be a list of SlicingFunctions, got str", id="pandas-sfs-str"),
    pytest.param(lambda: PandasSFApplier(sf for sf in [SHORT]), TypeError, r"sfs must be a list of SlicingFunctions, got generator", id="pandas-sfs-generator"),
    pytest.param(lambda: PandasSFApplier([]), ValueError, r"sfs is empty; pass a list of at least one SlicingFunction", id="pandas-sfs-empty"),
    pytest.param(lambda: PandasSFApplier([is_short]), TypeError, r"sfs\[0\] must be a snorkel_slice SlicingFunction, got builtins\.function; build it with @.*slicing_function\(\)", id="pandas-sfs-function"),
    pytest.param(lambda: PandasSFApplier([SHORT, SlicingFunction("short", has_keyword, resources={"keywords": ["plz"]})]), ValueError, r"SF names must be unique \(they name the fields of S\); duplicated: \['short'\]\. Rename one of each pair", id="pandas-sfs-duplicate-names"),
    # PandasSFApplier.apply
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF.to_dict(), progress_bar=False), TypeError, r"df must be a pandas DataFrame, got dict; build one with pd\.DataFrame\(\.\.\.\)", id="pandas-apply-dict"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF.text, progress_bar=False), TypeError, r"df must be a pandas DataFrame, got Series; build one with pd\.DataFrame", id="pandas-apply-series"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DDF, progress_bar=False), TypeError, r"df must be a pandas DataFrame, got DataFrame; use DaskSFApplier for a dask DataFrame", id="pandas-apply-dask-frame"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF.rename(columns={"label": "text"}), progress_bar=False), ValueError, r"df has duplicated column names \['text'\]; an SF could not tell them apart\. Rename them first", id="pandas-apply-duplicated-columns"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar="no"), TypeError, r"progress_bar must be True or False; got 'no' \(str\)", id="pandas-apply-progress-bar-str"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, fault_tolerant=1), TypeError, r"fault_tolerant must be True or False; got 1 \(int\)", id="pandas-apply-fault-tolerant-int"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, return_meta=None), TypeError, r"return_meta must be True or False; got None \(NoneType\)", id="pandas-apply-return-meta-none"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, n_jobs=0), ValueError, r"n_jobs must be an int >= 1; got 0 \(int\)\. Use 1, 2, \.\.\. or -1 for every core", id="pandas-apply-n-jobs-0"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, n_jobs=-2), ValueError, r"n_jobs must be an int >= 1; got -2 \(int\)\. Use 1, 2, \.\.\. or -1 for every core", id="pandas-apply-n-jobs-negative"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, n_jobs=1.5), TypeError, r"n_jobs must be an int >= 1; got 1\.5 \(float\)\. Use 1, 2", id="pandas-apply-n-jobs-float"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, n_jobs="2"), TypeError, r"n_jobs must be an int >= 1; got '2' \(str\)\. Use 1, 2, \.\.\. or -1 for every core", id="pandas-apply-n-jobs-str"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, n_jobs=True), TypeError, r"n_jobs must be an int >= 1; got True \(bool\)\. Use 1, 2, \.\.\. or -1 for every core", id="pandas-apply-n-jobs-bool"),
    pytest.param(lambda: PandasSFApplier([SHORT, MISSING]).apply(DF, progress_bar=False), SlicingFunctionError, r"SF 'reads_missing' failed on the row with index 0: AttributeError: the row has no field 'txt'; its fields are: 'text', 'label'\. Check the spelling against df\.columns.*" + BAD_ROW_HINT, id="pandas-apply-missing-field"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("reads_item", reads_missing_item)]).apply(DF, progress_bar=False), SlicingFunctionError, r"SF 'reads_item' failed on the row with index 0: KeyError: .the row has no field 'txt'; its fields are: 'text', 'label'", id="pandas-apply-missing-item"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("label_like", returns_label)]).apply(DF, progress_bar=False), SlicingFunctionError, r"SF 'label_like' failed on the row with index 0: TypeError: SF 'label_like' returned 1 \(int\), expected True or False\..*" + BAD_ROW_HINT, id="pandas-apply-returns-label"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("ok", is_short, pre=[preprocessor()(forgets_return)])]).apply(DF, progress_bar=False), SlicingFunctionError, r"SF 'ok' failed on the row with index 0: TypeError: SF 'ok': preprocessor 'forgets_return' returned None, so there is no data point to slice", id="pandas-apply-preprocessor-returns-none"),
    pytest.param(lambda: PandasSFApplier([MISSING]).apply(DF.set_index(DF.index + 10), progress_bar=False, n_jobs=2), SlicingFunctionError, r"SF 'reads_missing' failed on the row with index 10: AttributeError: the row has no field 'txt'.*" + BAD_ROW_HINT, id="pandas-apply-n-jobs-2-failing-sf"),
    # DaskSFApplier
    pytest.param(lambda: DaskSFApplier([]), ValueError, r"sfs is empty; pass a list of at least one SlicingFunction", id="dask-sfs-empty"),
    pytest.param(lambda: DaskSFApplier(SHORT), TypeError, r"sfs must be a list of SFs, got a single SF; wrap it: \[my_sf\]", id="dask-sfs-single"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply(DF, scheduler="sync"), TypeError, r"ddf must be a dask DataFrame, got DataFrame; use PandasSFApplier for a pandas DataFrame, or dd\.from_pandas\(df, npartitions=\.\.\.\)", id="dask-apply-pandas-frame"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply([1, 2], scheduler="sync"), TypeError, r"ddf must be a dask DataFrame, got list; build one with dask\.dataframe", id="dask-apply-list"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply(DDF.text, scheduler="sync"), TypeError, r"ddf must be a dask DataFrame, got Series; build one with dask\.dataframe", id="dask-apply-series"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply(DDF, scheduler="sync", fault_tolerant="no"), TypeError, r"fault_tolerant must be True or False; got 'no' \(str\)", id="dask-apply-fault-tolerant-str"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply(DDF, scheduler="sync", return_meta=1), TypeError, r"return_meta must be True or False; got 1 \(int\)", id="dask-apply-return-meta-int"),
    pytest.param(lambda: DaskSFApplier([MISSING]).apply(DDF, scheduler="sync"), SlicingFunctionError, r"SF 'reads_missing' failed on the row with index \d: AttributeError: the row has no field 'txt'; its fields are: 'text', 'label'.*" + BAD_ROW_HINT, id="dask-apply-missing-field"),
    pytest.param(lambda: DaskSFApplier([SlicingFunction("label_like", returns_label)]).apply(DDF, scheduler="sync"), SlicingFunctionError, r"SF 'label_like' failed on the row with index \d: TypeError: SF 'label_like' returned 1 \(int\), expected True or False\..*" + BAD_ROW_HINT, id="dask-apply-returns-label"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply(dd.from_pandas(DF.rename(columns={"label": "text"}), npartitions=1), scheduler="sync"), ValueError, r"duplicated column names \['text'\]; an SF could not tell them apart\. Rename them first", id="dask-apply-duplicated-columns"),
    # slice_dataframe
    pytest.param(lambda: slice_dataframe(DF, is_short), TypeError, r"slicing_function must be a snorkel_slice SlicingFunction, got function; build it with @slicing_function\(\)", id="slice-dataframe-function"),
    pytest.param(lambda: slice_dataframe(DF, [SHORT]), TypeError, r"slicing_function must be a snorkel_slice SlicingFunction, got list; build it with @slicing_function\(\)", id="slice-dataframe-list"),
    pytest.param(lambda: slice_dataframe(SHORT, DF), TypeError, r"slicing_function must be a snorkel_slice SlicingFunction, got DataFrame", id="slice-dataframe-swapped"),
    pytest.param(lambda: slice_dataframe(DF.to_dict("records"), SHORT), TypeError, r"df must be a pandas DataFrame, got list; build one with pd\.DataFrame", id="slice-dataframe-records"),
    pytest.param(lambda: slice_dataframe(DF, SHORT, progress_bar="no"), TypeError, r"progress_bar must be True or False; got 'no' \(str\)", id="slice-dataframe-progress-bar-str"),
    pytest.param(lambda: slice_dataframe(DF, MISSING, progress_bar=False), SlicingFunctionError, r"SF 'reads_missing' failed on the row with index 0: AttributeError: the row has no field 'txt'.*" + BAD_ROW_HINT, id="slice-dataframe-failing-sf"),
    # read_slice_matrix, through each of its consumers
    pytest.param(lambda: scorer().score_slices(S_DF.to_numpy(), GOLDS, PREDS), TypeError, r"S is a plain matrix of shape \(6, 2\), which has no slice names; pass slice_names=\[\.\.\.\] \(one per column\), or wrap it: pd\.DataFrame\(S, columns=names\)", id="S-plain-matrix-scorer"),
    pytest.param(lambda: slice_summary([[1, 0]] * 6), TypeError, NOT_S + r"list" + NOT_S_HINT, id="S-list-summary"),
    pytest.param(lambda: slice_summary(S_DF.short), TypeError, NOT_S + r"Series" + NOT_S_HINT, id="S-series-summary"),
    pytest.param(lambda: slice_summary(GOLDS, S), TypeError, NOT_S + r"an array of shape \(6,\) and dtype int64" + NOT_S_HINT, id="S-golds-swapped-summary"),
    pytest.param(lambda: slice_summary(S.reshape(2, 3)), TypeError, NOT_S + r"an array of shape \(2, 3\) and dtype \(numpy\.record, .*\)" + NOT_S_HINT, id="S-2d-recarray-summary"),
    pytest.param(lambda: make_slice_dataloader(DS, torch.tensor(S_DF.to_numpy())), TypeError, NOT_S + r"Tensor" + NOT_S_HINT, id="S-tensor-loader"),
    pytest.param(lambda: slice_summary(S_DF.rename(columns={"link": 3})), TypeError, r"S column names must be slice names \(str\); got 3 \(int\)\. Rename the columns, e\.g\. S\.columns = S\.columns\.astype\(str\)", id="S-int-column-name-summary"),
    pytest.param(lambda: slice_summary(S_DF.rename(columns={"link": "short"})), ValueError, r"S has duplicated slice names \['short'\]; give every SF \(column\) a unique name", id="S-duplicate-names-summary"),
    pytest.param(lambda: scorer().score_slices(S_DF.rename(columns={"link": "overall"}), GOLDS, PREDS), ValueError, r"S has a slice named 'overall', which is reserved for the whole-data row; rename that SF \(column\), e\.g\. to 'sf_overall'", id="S-overall-scorer"),
    pytest.param(lambda: make_slice_dataloader(DS, S_DF.rename(columns={"link": "base"})), ValueError, r"S has a slice named 'base', which is reserved for the slice of all data points; rename that SF \(column\), e\.g\. to 'sf_base'", id="S-base-loader"),
    pytest.param(lambda: slice_overlap(S_DF.assign(link=list("abcdef"))), TypeError, r"S column 'link' must hold 0/1 \(or bool\) slice membership; got dtype object and shape \(6,\)\. Cast it with \.astype\(bool\)", id="S-str-column-overlap"),
    pytest.param(lambda: scorer().score_slices(S_DF.assign(link=[1, -1, 0, 0, 0, 0]), GOLDS, PREDS), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got -1 at row 1\. " + FAULT_HINT + r": decide what a fault means, e\.g\. S\['link'\] == 1", id="S-fault-code-scorer"),
    pytest.param(lambda: scorer().score_slices(np.rec.fromarrays([[1, -1, 0, 0, 0, 0]], names=["short"]), GOLDS, PREDS), ValueError, r"S column 'short' must hold only 0/1 \(or bool\); got -1 at row 1\. " + FAULT_HINT, id="S-fault-code-recarray-scorer"),
    pytest.param(lambda: slice_summary(S_DF.assign(link=[1, np.nan, 0, 0, 0, 0])), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got nan at row 1\. " + FAULT_HINT, id="S-nan-summary"),
    pytest.param(lambda: make_slice_dataloader(DS, S_DF.assign(link=[0, 0, 0, 0.5, 0, 0])), ValueError, r"S column 'link' must hold only 0/1 \(or bool\); got 0\.5 at row 3\. " + FAULT_HINT, id="S-fraction-loader"),
    # Scorer constructor
    pytest.param(lambda: Scorer("accuracy"), TypeError, r"metrics must be a list of names, got the string 'accuracy'; pass metrics=\['accuracy'\]", id="scorer-metrics-str"),
    pytest.param(lambda: Scorer(["acc"]), ValueError, r"Unrecognized metric: 'acc'\. Choose from accuracy, coverage, .*roc_auc, or pass a function in custom_metric_funcs", id="scorer-metrics-unknown"),
    pytest.param(lambda: Scorer(custom_metric_funcs=[len]), TypeError, r"custom_metric_funcs must be a dict \{name: f\(golds, preds, probs\)\}; got list", id="scorer-custom-list"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": 3}), TypeError, r"custom_metric_funcs\['m'\] must be callable as f\(golds, preds, probs\); got int", id="scorer-custom-not-callable"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"n": lambda golds, preds, probs: 1.0}), ValueError, r"custom_metric_funcs cannot use the name 'n', the slice-size column; rename that metric", id="scorer-custom-named-n"),
    pytest.param(lambda: Scorer(abstain_label="-1"), TypeError, r"abstain_label must be an int or None; got '-1'", id="scorer-abstain-str"),
    pytest.param(lambda: Scorer(abstain_label=-1.0), TypeError, r"abstain_label must be an int or None; got -1\.0", id="scorer-abstain-float"),
    pytest.param(lambda: Scorer(beta=-1), ValueError, r"beta must be a number >= 0; got -1\.0 \(float\)", id="scorer-beta-negative"),
    pytest.param(lambda: Scorer(beta="2"), TypeError, r"beta must be a number >= 0; got '2' \(str\)\. Write it without quotes, e\.g\. beta=2", id="scorer-beta-str"),
    pytest.param(lambda: Scorer(beta=float("inf")), ValueError, r"beta must be a number >= 0; got inf \(float\)", id="scorer-beta-inf"),
    pytest.param(lambda: Scorer(min_support=-1), ValueError, r"min_support must be an int >= 0; got -1 \(int\)\. 0 turns the small-slice warning off", id="scorer-min-support-negative"),
    pytest.param(lambda: Scorer(min_support=2.5), TypeError, r"min_support must be an int >= 0; got 2\.5 \(float\)\. 0 turns the small-slice warning off", id="scorer-min-support-float"),
    # Scorer.score: labels, preds, probs, custom metrics
    pytest.param(lambda: scorer().score(None, PREDS), TypeError, r"golds is None; pass an array of integer labels, one per row", id="score-golds-none"),
    pytest.param(lambda: scorer().score(PROBS, PREDS), ValueError, r"golds must have shape \(n_rows,\) or \(n_rows, 1\); got shape \(6, 2\)", id="score-golds-2-columns"),
    pytest.param(lambda: scorer().score(1, 1), ValueError, r"golds must have shape \(n_rows,\) or \(n_rows, 1\); got shape \(\)", id="score-golds-scalar"),
    pytest.param(lambda: scorer().score([0, 0.5, 1], [0, 1, 1]), ValueError, r"golds must hold integer class labels; got 0\.5 at row 1\. Turn probabilities into labels first, e\.g\. probs\.argmax\(axis=1\)", id="score-golds-fraction"),
    pytest.param(lambda: scorer().score([0, np.nan, 1], [0, 1, 1]), ValueError, r"golds must hold integer class labels; got nan at row 1\. Turn probabilities into labels first, e\.g\. probs\.argmax\(axis=1\)", id="score-golds-nan"),
    pytest.param(lambda: scorer().score(["spam", "ham"], [0, 1]), TypeError, r"golds must hold integer class labels; got dtype <U4\. Encode labels as integers first, e\.g\. with sklearn\.preprocessing\.LabelEncoder", id="score-golds-str"),
    pytest.param(lambda: scorer().score(GOLDS, PREDS[:4]), ValueError, r"Found input variables with inconsistent numbers of samples: golds=6, preds=4\. Pass one entry per data point in each", id="score-preds-length"),
    pytest.param(lambda: Scorer(["accuracy", "f1"]).score(GOLDS), ValueError, r"metrics \['accuracy', 'f1'\] need preds, but preds is None; pass predicted labels, e\.g\. probs\.argmax\(axis=1\)", id="score-preds-missing"),
    pytest.param(lambda: scorer().score(GOLDS, PROBS[:, 1]), ValueError, r"preds must hold integer class labels; got 0\.1 at row 0\. Turn probabilities into labels first", id="score-preds-probabilities"),
    pytest.param(lambda: scorer().score(GOLDS, np.zeros((6, 1, 1))), ValueError, r"preds must have shape \(n_rows,\) or \(n_rows, 1\); got shape \(6, 1, 1\)", id="score-preds-3d"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, PREDS), ValueError, r"metric 'roc_auc' needs probs, but probs is None; pass the \(n_rows, 2\) class probabilities, e\.g\. model\.predict_proba\(X\)", id="score-roc-auc-without-probs"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=PROBS[:, 1]), ValueError, r"probs must have shape \(n_rows, n_classes\); got shape \(6,\)\. For a vector p of P\(class 1\) pass np\.column_stack\(\[1 - p, p\]\)", id="score-probs-1d"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=np.full((6, 3), 1 / 3)), ValueError, r"Metric roc_auc is currently only defined for binary problems, so probs must have 2 columns; got shape \(6, 3\)\. Drop roc_auc from metrics", id="score-probs-3-columns"),
    pytest.param(lambda: Scorer(["roc_auc"]).score([0, 1, 2, 0, 1, 2], probs=PROBS), ValueError, r"roc_auc needs golds in \{0, 1\} \(abstains aside\); got labels \[0, 1, 2\]\. Drop roc_auc from metrics", id="score-roc-auc-multiclass"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=0.5), ValueError, r"probs must have shape \(n_rows, n_classes\); got the scalar 0\.5", id="score-probs-scalar"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=np.where(np.arange(6)[:, None] == 1, np.nan, PROBS)), ValueError, r"probs must not be NaN; got NaN at row 1", id="score-probs-nan"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=PROBS.astype(str)), TypeError, r"probs must hold real numbers; got dtype <U", id="score-probs-str"),
    pytest.param(lambda: scorer().score(GOLDS, PREDS, probs=PROBS[:5]), ValueError, r"inconsistent numbers of samples: golds=6, preds=6, probs=5\. Pass one entry per data point in each", id="score-probs-length"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda golds, preds, probs: {"n": 1.0}}).score(GOLDS, PREDS), ValueError, r"custom metric 'm' .*returned the key 'n', the slice-size column; rename it", id="score-custom-returns-n"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda golds, preds, probs: 1 / 0}).score(GOLDS, PREDS), ValueError, r"custom metric 'm' on 'overall' \(n=6\) raised ZeroDivisionError: division by zero\. Make it return NaN \(or None\) where it is undefined", id="score-custom-raises"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda golds, preds, probs: 1 / (len(golds) - 3)}, min_support=0).score_slices(S, GOLDS, PREDS), ValueError, r"custom metric 'm' on 'short' \(n=3\) raised ZeroDivisionError: division by zero\. Make it return NaN", id="score-slices-custom-raises-on-slice"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda golds, preds, probs: "high"}).score(GOLDS, PREDS), TypeError, r"custom metric 'm' on 'overall' \(n=6\) returned 'high' \(str\) for 'm'; return a number \(or a dict of numbers\)", id="score-custom-returns-str"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda golds, preds, probs: {"a": 1.0, "b": "x"}}).score(GOLDS, PREDS), TypeError, r"custom metric 'm' on 'overall' \(n=6\) returned 'x' \(str\) for 'b'; return a number", id="score-custom-dict-with-str"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda golds, preds, probs: np.array([1.0, 2.0])}).score(GOLDS, PREDS), TypeError, r"custom metric 'm' on 'overall' \(n=6\) returned array\(\[1\., 2\.\]\) \(ndarray\) for 'm'; return a number", id="score-custom-returns-array"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=PROBS * 10 - 5), ValueError, r"probs must be class probabilities: each row in \[0, 1\] and summing to 1; row 0 is \[4\.0, -4\.0\] \(sum 0\)\. These look like logits or scores: apply a softmax first", id="score-probs-logits"),
    pytest.param(lambda: Scorer(["roc_auc"]).score(GOLDS, probs=PROBS / 2), ValueError, r"probs must be class probabilities: .*row 0 is \[0\.45, 0\.05\] \(sum 0\.5\)\. These look like logits or scores", id="score-probs-unnormalised"),
    pytest.param(lambda: Scorer(["f1"]).score(GOLDS, [0, 1, 2, 0, 1, 1]), ValueError, r"preds hold label\(s\) \[2\] that never occur in the golds, which are all 0 or 1 \(abstains aside\); f1 would change from the class-1 score into a macro average over \[0, 1, 2\]\. Check the model's classes, or ask for f1_macro explicitly", id="score-preds-foreign-label"),
    # Scorer.score_slices: S, ci, ci_method, n_bootstrap
    pytest.param(lambda: scorer().score_slices(S[:4], GOLDS, PREDS), ValueError, r"inconsistent numbers of samples: S=4, golds=6, preds=6\. Pass one entry per data point in each", id="score-slices-S-length"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS[:5], PREDS[:5]), ValueError, r"inconsistent numbers of samples: S=6, golds=5, preds=5\. Pass one entry per data point in each", id="score-slices-golds-length"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, None), ValueError, r"metrics \['accuracy'\] need preds, but preds is None", id="score-slices-preds-none"),
    pytest.param(lambda: scorer().score_slices(GOLDS, S, PREDS), TypeError, r"golds must hold integer class labels; got dtype \(numpy\.record", id="score-slices-S-golds-swapped"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=95), ValueError, r"ci must be a number in \(0, 1\); got 95\.0 \(float\)\. Use a confidence level such as 0\.95, or None for no interval", id="score-slices-ci-percent"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci="0.95"), TypeError, r"ci must be a number in \(0, 1\); got '0\.95' \(str\)\. .*Write it without quotes, e\.g\. ci=0\.95", id="score-slices-ci-str"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=0), ValueError, r"ci must be a number in \(0, 1\); got 0\.0 \(float\)\. Use a confidence level such as 0\.95, or None for no interval", id="score-slices-ci-0"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=1.0), ValueError, r"ci must be a number in \(0, 1\); got 1\.0 \(float\)\. Use a confidence level such as 0\.95, or None for no interval", id="score-slices-ci-1"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=True), TypeError, r"ci must be a number in \(0, 1\); got True \(bool\)\. Use a confidence level such as 0\.95", id="score-slices-ci-bool"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=0.9, ci_method="delong"), ValueError, r"ci_method must be one of \('bootstrap', .*'analytic'\); got 'delong' \(str\)", id="score-slices-ci-method"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=0.9, n_bootstrap=0), ValueError, r"n_bootstrap must be an int >= 1; got 0 \(int\)", id="score-slices-n-bootstrap-0"),
    pytest.param(lambda: scorer().score_slices(S, GOLDS, PREDS, ci=0.9, n_bootstrap=100.0), TypeError, r"n_bootstrap must be an int >= 1; got 100\.0 \(float\)", id="score-slices-n-bootstrap-float"),
    # slice_summary, slice_overlap
    pytest.param(lambda: slice_summary(S, PROBS), ValueError, r"golds must be 1-D, one label per row; got shape \(6, 2\)\. For probabilities, pass probs\.argmax\(axis=1\)", id="summary-golds-2d"),
    pytest.param(lambda: slice_summary(S, GOLDS[:5]), ValueError, r"Found inconsistent numbers of rows: S has 6, golds has 5\. Pass the golds of the same rows, in the same order", id="summary-golds-length"),
    pytest.param(lambda: slice_summary(S, [0, 1, np.nan, 0, 0, 1]), ValueError, r"golds has missing labels \(NaN/None\) at rows \[2\]; drop those rows from both S and golds, or give them a label", id="summary-golds-nan"),
    pytest.param(lambda: slice_summary(S, [0, 1, 1, None, 0, 1]), ValueError, r"golds has missing labels \(NaN/None\) at rows \[3\]; drop those rows from both S and golds, or give them a label", id="summary-golds-none"),
    pytest.param(lambda: slice_overlap([[1, 0]] * 6), TypeError, NOT_S + r"list" + NOT_S_HINT, id="overlap-list"),
    pytest.param(lambda: slice_overlap(S_DF.rename(columns={"link": "short"})), ValueError, r"S has duplicated slice names \['short'\]; give every SF \(column\) a unique name", id="overlap-duplicate-names"),
    # plot_slice_scores, plot_slice_summary
    pytest.param(lambda: plot_slice_scores([0.9, 0.8]), TypeError, r"scores must be the DataFrame or dict from Scorer\.score_slices; got list", id="plot-scores-list"),
    pytest.param(lambda: plot_slice_scores(SCORES["accuracy"]), TypeError, r"scores must be the DataFrame or dict from Scorer\.score_slices; got Series", id="plot-scores-series"),
    pytest.param(lambda: plot_slice_scores(S, metric="accuracy"), TypeError, r"scores must be the DataFrame or dict from Scorer\.score_slices; got recarray", id="plot-scores-slice-matrix"),
    pytest.param(lambda: plot_slice_scores(SCORES, metric="f1"), ValueError, r"metric 'f1' is not in scores, whose columns are \['accuracy', 'n'\]; score it first, e\.g\. Scorer\(metrics=\['f1'\]\)", id="plot-scores-metric-missing"),
    pytest.param(lambda: plot_slice_scores(scorer().score_slices(S, GOLDS, PREDS), metric="f1"), ValueError, r"metric 'f1' is not in scores, whose columns are \['accuracy', 'n'\]; score it first, e\.g\. Scorer\(metrics=\['f1'\]\)", id="plot-scores-dict-metric-missing"),
    pytest.param(lambda: plot_slice_summary(SUMMARY, golds=GOLDS), ValueError, r"golds are only used with a slice matrix; this is already a slice_summary table\. Pass plot_slice_summary\(S, golds=\.\.\.\)", id="plot-summary-table-with-golds"),
    pytest.param(lambda: plot_slice_summary([[1, 0]] * 6), TypeError, NOT_S + r"list" + NOT_S_HINT, id="plot-summary-list"),
    pytest.param(lambda: plot_slice_summary(S, golds=GOLDS[:5]), ValueError, r"Found inconsistent numbers of rows: S has 6, golds has 5\. Pass the golds of the same rows, in the same order", id="plot-summary-golds-length"),
    # DictDataset, DictDataset.from_tensors, DictDataLoader
    pytest.param(lambda: DictDataset(3, "train", {"input_data": X}, {"task": Y}), TypeError, r"DictDataset name must be a str, got 3", id="dataset-name-int"),
    pytest.param(lambda: DictDataset("d", None, {"input_data": X}, {"task": Y}), TypeError, r"DictDataset split must be a str, got None", id="dataset-split-none"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, {"task": GOLDS.tolist()}), TypeError, r"Y_dict\['task'\] must be a torch\.Tensor of class labels, got list; convert it with torch\.as_tensor\(\.\.\., dtype=torch\.long\)", id="dataset-labels-list"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, {"task": np.array(list("abcdef"))}), TypeError, r"Y_dict\['task'\] must be a torch\.Tensor of class labels, got ndarray; convert it", id="dataset-labels-numpy-str"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, {"task": Y / 2}), ValueError, r"DictDataset 'd': Y_dict\['task'\] must hold whole-number class labels \(-1 = no label\); got 0\.5 at row 1\. Turn probabilities into labels first, e\.g\. probs\.argmax\(axis=1\)", id="dataset-labels-fraction"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, {"task": torch.tensor([0, float("nan"), 1, 1, 0, 1])}), ValueError, r"DictDataset 'd': Y_dict\['task'\] must hold whole-number class labels \(-1 = no label\); got nan at row 1\. Turn probabilities into labels first", id="dataset-labels-nan"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, {"task": torch.zeros(6, 2, dtype=torch.long)}), ValueError, r"Y_dict\['task'\] must be a 1-D tensor of class labels \(-1 = no label\), got dtype torch\.int64 and shape \(6, 2\)", id="dataset-labels-2-columns"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, {"task": [torch.tensor([0, 1])] * 6}), ValueError, r"DictDataset 'd': Y_dict\['task'\] is a list of tensors, but not of single labels; give one class label per data point", id="dataset-labels-list-of-vectors"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": "text"}, {"task": Y}), TypeError, r"X_dict\['input_data'\] must be a torch\.Tensor, numpy array, scipy\.sparse matrix or list, got str; convert it, e\.g\. with torch\.as_tensor", id="dataset-inputs-str"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": DF}, {"task": Y}), TypeError, r"X_dict\['input_data'\] must be a torch\.Tensor, .*got DataFrame; convert it, e\.g\. with torch\.as_tensor", id="dataset-inputs-dataframe"),
    pytest.param(lambda: DictDataset("d", "train", {}, {}), ValueError, r"DictDataset 'd' has neither inputs nor labels; give X_dict", id="dataset-empty"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X[:5]}, {"task": Y}), ValueError, r"DictDataset 'd' \(train\) has inconsistent numbers of data points: X_dict\['input_data'\] has 5, Y_dict\['task'\] has 6\. Give every field one entry per data point", id="dataset-lengths"),
    pytest.param(lambda: DictDataset.from_tensors(X, GOLDS[:5], "train"), ValueError, r"DictDataset 'SnorkelDataset' \(train\) has inconsistent numbers of data points: X_dict\['input_data'\] has 6, Y_dict\['task'\] has 5", id="from-tensors-lengths"),
    pytest.param(lambda: DictDataset.from_tensors(X, GOLDS, 1), TypeError, r"split must be a str, got 1 \(int\)", id="from-tensors-split-int"),
    pytest.param(lambda: DictDataset.from_tensors(pd.DataFrame(X.numpy()), GOLDS, "train"), TypeError, r"X_dict\['input_data'\] must be a torch\.Tensor, numpy array, .*got DataFrame; convert it, e\.g\. with torch\.as_tensor", id="from-tensors-dataframe"),
    pytest.param(lambda: DictDataset.from_tensors(None, GOLDS, "train"), TypeError, r"X_dict\['input_data'\] must be .*got NoneType; convert it, e\.g\. with torch\.as_tensor", id="from-tensors-inputs-none"),
    pytest.param(lambda: DictDataset.from_tensors(X, PROBS, "train"), ValueError, r"Y_dict\['task'\] must be a 1-D tensor of class labels \(-1 = no label\), got dtype torch\.float64 and shape \(6, 2\)", id="from-tensors-labels-2d"),
    pytest.param(lambda: DictDataset.from_tensors(X, 1, "train"), ValueError, r"Y_dict\['task'\] must be a 1-D tensor of class labels .*shape \(\)", id="from-tensors-labels-scalar"),
    pytest.param(lambda: DictDataset.from_tensors(X, PROBS[:, 1], "train"), ValueError, r"DictDataset 'SnorkelDataset': Y_dict\['task'\] must hold whole-number class labels \(-1 = no label\); got 0\.1 at row 0\. Turn probabilities into labels first", id="from-tensors-probabilities"),
    pytest.param(lambda: DictDataLoader(TensorDataset(X, Y)), TypeError, r"DictDataLoader needs a DictDataset, got TensorDataset; build one with DictDataset\.from_tensors\(X, Y, split\)", id="loader-tensor-dataset"),
    pytest.param(lambda: DictDataLoader([X, Y]), TypeError, r"DictDataLoader needs a DictDataset, got list", id="loader-list"),
    pytest.param(lambda: DictDataLoader(DS, batch_size=0), ValueError, r"batch_size should be a positive integer value, but got batch_size=0", id="loader-batch-size-0"),
    # make_slice_dataloader and SliceAwareClassifier.make_slice_dataloader
    pytest.param(lambda: make_slice_dataloader(DL, S), TypeError, r"dataset must be a DictDataset, got DictDataLoader; pass loader\.dataset or build one with DictDataset\.from_tensors", id="slice-loader-loader"),
    pytest.param(lambda: make_slice_dataloader(DS, S, task_name="spam"), ValueError, r"The base labels of task 'spam' are missing from DictDataset\(.*Y_keys=\['task'\]\) \(labels missing from Y_dict: 'spam'\); build the dataset with DictDataset\.from_tensors\(X, Y, split, task_name='spam'\)", id="slice-loader-task-name"),
    pytest.param(lambda: make_slice_dataloader(DS, S[:4]), ValueError, r"S has 4 rows but dataset 'SnorkelDataset' \(test\) has 6 data points; apply the SFs to the same rows the dataset was built from", id="slice-loader-S-length"),
    pytest.param(lambda: make_slice_dataloader(DS, S, slice_names=["short", "keyword"]), ValueError, r"S has no column for slice\(s\) \['keyword'\]; its columns are \['short', 'link'\]\. Apply every SF the model was built with", id="slice-loader-slice-missing"),
    pytest.param(lambda: AWARE.make_slice_dataloader(DS, S_DF[["short"]]), ValueError, r"S has no column for slice\(s\) \['link'\]; its columns are \['short'\]\. Apply every SF", id="aware-slice-loader-slice-missing"),
    pytest.param(lambda: AWARE.make_slice_dataloader(DL, S), TypeError, r"dataset must be a DictDataset, got DictDataLoader; pass loader\.dataset or build one with DictDataset\.from_tensors\(X, Y, split\)", id="aware-slice-loader-loader"),
    # PlainClassifier and SliceAwareClassifier constructors
    pytest.param(lambda: PlainClassifier("mlp", head_dim=4), TypeError, r"base_architecture must be a torch\.nn\.Module, got str; wrap your network in nn\.Sequential\(\.\.\.\)", id="plain-base-str"),
    pytest.param(lambda: PlainClassifier(torch.relu, head_dim=4), TypeError, r"base_architecture must be a torch\.nn\.Module, got builtin_function_or_method; wrap", id="plain-base-function"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=0), ValueError, r"head_dim must be an int >= 1; got 0 \(int\)\. Set it to the width of the base architecture's output", id="plain-head-dim-0"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4.0), TypeError, r"head_dim must be an int >= 1; got 4\.0 \(float\)\. Set it to the width", id="plain-head-dim-float"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4, n_classes=1), ValueError, r"n_classes must be an int >= 2; got 1 \(int\)", id="plain-n-classes-1"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4, n_classes="2"), TypeError, r"n_classes must be an int >= 2; got '2' \(str\)", id="plain-n-classes-str"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4, scorer="accuracy"), TypeError, r"scorer must be a snorkel_slice\.analysis\.Scorer \(with score and score_slices\), got 'accuracy'", id="plain-scorer-str"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4, input_data_key=0), TypeError, r"input_data_key must be a str; got 0", id="plain-input-key-int"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4, task_name=None), TypeError, r"task_name must be a str; got None", id="plain-task-name-none"),
    pytest.param(lambda: SliceAwareClassifier("mlp", head_dim=4, slice_names=["a"]), TypeError, r"base_architecture must be a torch\.nn\.Module, got str", id="aware-base-str"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=0, slice_names=["a"]), ValueError, r"head_dim must be an int >= 1; got 0 \(int\)\. Set it to the width", id="aware-head-dim-0"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"], n_classes=1), ValueError, r"n_classes must be an int >= 2; got 1 \(int\)", id="aware-n-classes-1"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names="short"), TypeError, r"slice_names must be a list of slice names \(str\), got 'short'", id="aware-slice-names-str"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["short", 1]), TypeError, r"slice_names must be a list of slice names \(str\), got \['short', 1\]", id="aware-slice-names-int"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["short", "short"]), ValueError, r"slice_names has duplicates \['short'\]; give each slice once", id="aware-slice-names-duplicate"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"], confidence="max"), ValueError, r"confidence must be one of \('positive', 'max_prob'\); got 'max' \(str\)", id="aware-confidence-unknown"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"], n_classes=3, confidence="positive"), ValueError, r"confidence='positive' needs two classes, got n_classes=3; use confidence='max_prob' \(or None\)", id="aware-confidence-positive-3-classes"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"], temperature=0), ValueError, r"temperature must be a number > 0; got 0\.0 \(float\)", id="aware-temperature-0"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["a"], temperature="1"), TypeError, r"temperature must be a number > 0; got '1' \(str\)\. Write it without quotes, e\.g\. temperature=1", id="aware-temperature-str"),
    # predict_proba
    pytest.param(lambda: PLAIN.predict_proba(np.zeros((2, 3)), batch_size=0), ValueError, r"batch_size must be an int >= 1; got 0 \(int\)", id="plain-predict-proba-batch-size-0"),
    pytest.param(lambda: AWARE.predict_proba(np.zeros((2, 3)), batch_size=2.0), TypeError, r"batch_size must be an int >= 1; got 2\.0 \(float\)", id="aware-predict-proba-batch-size-float"),
    pytest.param(lambda: PLAIN.predict_proba([[np.nan, 0.0, 0.0]]), ValueError, r"Input X contains NaN", id="plain-predict-proba-nan"),
    pytest.param(lambda: PLAIN.predict_proba(np.zeros((0, 3))), ValueError, r"Found array with 0 sample\(s\) \(shape=\(0, 3\)\) while a minimum of 1 is required", id="plain-predict-proba-empty"),
    pytest.param(lambda: AWARE.predict_proba([0.0, 1.0, 2.0]), ValueError, r"(?s)Expected 2D array, got 1D array instead.*Reshape your data", id="aware-predict-proba-1d"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 5), head_dim=4).predict_proba(np.zeros((2, 3))), ValueError, r"base_architecture returned \(2, 5\), expected \(batch, head_dim=4\); set head_dim to the width of its output", id="plain-predict-proba-head-dim-mismatch"),
    pytest.param(lambda: PlainClassifier(nn.LSTM(3, 4, batch_first=True), head_dim=4).predict_proba(np.zeros((2, 1, 3))), ValueError, r"base_architecture returned tuple, expected \(batch, head_dim=4\); set head_dim", id="plain-predict-proba-base-returns-tuple"),
    # score, score_slices, predict, attention_weights
    pytest.param(lambda: PLAIN.score([DS]), TypeError, r"Expected a DictDataLoader, got DictDataset; build one with DictDataLoader\(dataset, batch_size=\.\.\.\) or model\.make_slice_dataloader\(\.\.\.\)", id="plain-score-dataset"),
    pytest.param(lambda: PLAIN.score("DL"), TypeError, r"dataloaders must be a DictDataLoader or a list of them; got str", id="plain-score-str"),
    pytest.param(lambda: PLAIN.score(FEATURES_KEY_DL), ValueError, r"X_dict has no field 'input_data' \(fields: \['features'\]\); build the data with input_data_key='input_data' or pass that input_data_key to the model", id="plain-score-input-key"),
    pytest.param(lambda: PLAIN.score(SPAM_TASK_DL), ValueError, r"Y_dict has no labels 'task' \(labels: \['spam'\]\); for slice labels build the loader with model\.make_slice_dataloader\(dataset, S\)", id="plain-score-task-name"),
    pytest.param(lambda: PLAIN.score(EMPTY_DL), ValueError, r"The loader over DictDataset\(name=SnorkelDataset, split=test, n=0, .*\) yields no batches; give it data points", id="plain-score-empty-loader"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 5), head_dim=4).score(DL), ValueError, r"base_architecture returned \(6, 5\), expected \(batch, head_dim=4\)", id="plain-score-head-dim-mismatch"),
    pytest.param(lambda: PLAIN.predict(SPAM_TASK_DL), ValueError, r"Y_dict has no labels 'task' \(labels: \['spam'\]\); for slice labels build the loader with model\.make_slice_dataloader\(dataset, S\)", id="plain-predict-task-name"),
    pytest.param(lambda: AWARE.score([DS]), TypeError, r"Expected a DictDataLoader, got DictDataset", id="aware-score-dataset"),
    pytest.param(lambda: AWARE.attention_weights(DS), TypeError, r"Expected a DictDataLoader, got DictDataset; build one with DictDataLoader", id="aware-attention-weights-dataset"),
    pytest.param(lambda: PLAIN.score_slices(SLICE_DL, min_support=-1), ValueError, r"min_support must be an int >= 0; got -1 \(int\)", id="plain-score-slices-min-support-negative"),
    pytest.param(lambda: PLAIN.score_slices(SLICE_DL, min_support=2.5), TypeError, r"min_support must be an int >= 0; got 2\.5 \(float\)", id="plain-score-slices-min-support-float"),
    pytest.param(lambda: PLAIN.score_slices(SLICE_DL, ci=95), ValueError, r"ci must be a number in \(0, 1\); got 95\.0 \(float\)\. Use a confidence level such as 0\.95", id="plain-score-slices-ci-percent"),
    pytest.param(lambda: PLAIN.score_slices(SLICE_DL, ci=0.9, ci_method="delong"), ValueError, r"ci_method must be one of \('bootstrap', .*'analytic'\); got 'delong' \(str\)", id="plain-score-slices-ci-method"),
    pytest.param(lambda: PLAIN.score_slices(SLICE_DL, ci=0.9, n_bootstrap=0), ValueError, r"n_bootstrap must be an int >= 1; got 0 \(int\)", id="plain-score-slices-n-bootstrap-0"),
    pytest.param(lambda: PLAIN.score_slices(EMPTY_DL), ValueError, r"The loader over DictDataset\(.*n=0.*\) yields no batches; give it data points", id="plain-score-slices-empty-loader"),
    pytest.param(lambda: AWARE.score_slices(SLICE_DL, ci="0.95"), TypeError, r"ci must be a number in \(0, 1\); got '0\.95' \(str\)\..*Write it without quotes", id="aware-score-slices-ci-str"),
    pytest.param(lambda: AWARE.score_slices(SLICE_DL, min_support=-1), ValueError, r"min_support must be an int >= 0; got -1 \(int\)", id="aware-score-slices-min-support-negative"),
    pytest.param(lambda: AWARE.score_slices(SPAM_TASK_DL), ValueError, r"Y_dict has no labels 'task' \(labels: \['spam'\]\); for slice labels build the loader with model\.make_slice_dataloader\(dataset, S\)", id="aware-score-slices-task-name"),
    # load
    pytest.param(lambda: PLAIN.load(TMP / "missing.pt"), FileNotFoundError, r"No model file at .*missing\.pt; save one first with model\.save\(path\)", id="plain-load-missing"),
    pytest.param(lambda: PLAIN.load(TMP), FileNotFoundError, r"No model file at .*snorkel_slice_bad_inputs_\w+; save one first with model\.save\(path\)", id="plain-load-folder"),
    pytest.param(load_garbage, ValueError, r"garbage\.pt is not a plain state_dict file; refusing to unpickle arbitrary objects\. Save models with model\.save\(path\)", id="plain-load-not-a-model"),
    pytest.param(load_truncated, ValueError, r"truncated\.pt is damaged \(truncated or corrupted; torch said: .*\)\. Save the model again, or load an earlier copy", id="plain-load-truncated"),
    pytest.param(lambda: PLAIN.load(model_file("wider.pt", PlainClassifier(nn.Linear(3, 8), head_dim=8))), ValueError, r"wider\.pt holds parameters of a different model \(missing: \[\], unexpected: \[\], other shape: \['base_architecture\.weight', 'base_architecture\.bias', 'head\.weight'\]\); build the model with the same base_architecture, head_dim, slice_names and n_classes before load\(\)", id="plain-load-other-shapes"),
    pytest.param(lambda: PLAIN.load(model_file("aware.pt", AWARE)), ValueError, r"aware\.pt holds parameters of a different model \(missing: \[\], unexpected: \['ind_head\.bias', .*'slice_weight'\], other shape: \[\]\); build the model with the same", id="plain-load-slice-aware-file"),
    pytest.param(lambda: AWARE.load(model_file("plain.pt", PLAIN)), ValueError, r"plain\.pt holds parameters of a different model \(missing: \['ind_head\.bias', .*\], unexpected: \[\], other shape: \[\]\); build the model with the same base_architecture, head_dim, slice_names and n_classes before load\(\)", id="aware-load-plain-file"),
    # snorkel_slice.utils
    pytest.param(lambda: preds_to_probs([1, 0], 0), ValueError, r"num_classes must be an int >= 1; got 0 \(int\)", id="preds-to-probs-num-classes-0"),
    pytest.param(lambda: preds_to_probs([1, 0], 2.0), TypeError, r"num_classes must be an int >= 1; got 2\.0 \(float\)", id="preds-to-probs-num-classes-float"),
    pytest.param(lambda: preds_to_probs([-1, 0], 2), ValueError, r"Could not convert abstained vote to probability: preds has -1 at row 0\. Drop abstains \(-1\) first", id="preds-to-probs-abstain"),
    pytest.param(lambda: preds_to_probs([0, 2], 2), ValueError, r"preds must lie in \[0, num_classes=2\); got 2 at row 1\. Raise num_classes to the number of classes", id="preds-to-probs-class-too-large"),
    pytest.param(lambda: preds_to_probs(PROBS, 2), ValueError, r"non-integer value: 0\.9\. Turn probabilities into labels first, e\.g\. probs_to_preds\(probs\)", id="preds-to-probs-probabilities"),
    pytest.param(lambda: preds_to_probs([[0, 1], [1, 0]], 2), ValueError, r"could not be converted to 1d np\.array: shape \(2, 2\)\. Pass one label per data point", id="preds-to-probs-2d"),
    pytest.param(lambda: preds_to_probs(["spam", "ham"], 2), ValueError, r"Labels must be numbers; got dtype <U4\. Encode them as integers first, e\.g\. with sklearn\.preprocessing\.LabelEncoder", id="preds-to-probs-str"),
    pytest.param(lambda: probs_to_preds([0.2, 0.8]), ValueError, r"probs must be a 2-d array of class probabilities \(n, n_classes\); got shape \(2,\) and dtype float64", id="probs-to-preds-1d"),
    pytest.param(lambda: probs_to_preds([["a", "b"]]), ValueError, r"probs must be a 2-d array of class probabilities \(n, n_classes\); got shape \(1, 2\) and dtype <U1", id="probs-to-preds-str"),
    pytest.param(lambda: probs_to_preds([[0.2], [0.8]]), ValueError, r"probs must have probabilities for at least 2 classes; got 1 column\(s\)\. For a vector p of P\(class 1\) pass np\.column_stack\(\[1 - p, p\]\)", id="probs-to-preds-1-column"),
    pytest.param(lambda: probs_to_preds(PROBS, tie_break_policy="first"), ValueError, r"tie_break_policy='first' policy not recognized; use one of \('random', 'true-random', 'abstain'\)", id="probs-to-preds-tie-break-policy"),
    pytest.param(lambda: probs_to_preds(PROBS, tol=-1), ValueError, r"tol must be a number >= 0; got -1\.0 \(float\)", id="probs-to-preds-tol-negative"),
    # snorkel_slice.datasets
    pytest.param(lambda: load_spam_dataset(load_train_labels="yes"), TypeError, r"load_train_labels must be True or False, got 'yes'", id="load-spam-train-labels-str"),
    pytest.param(lambda: load_spam_dataset(split_dev_valid=1), TypeError, r"split_dev_valid must be True or False, got 1", id="load-spam-split-int"),
    pytest.param(lambda: df_to_features(CountVectorizer(), DF, 0), TypeError, r"split must be a str such as 'train' or 'test', got 0", id="features-split-int"),
    pytest.param(lambda: df_to_features(CountVectorizer(), DF[["text"]], "train"), ValueError, r"df lacks the column\(s\) \['label'\]; expected 'text' and 'label', got \['text'\]", id="features-no-label-column"),
    pytest.param(lambda: df_to_features(CountVectorizer(), DF.rename(columns={"text": "content", "label": "class"}), "train"), ValueError, r"df lacks the column\(s\) \['text', 'label'\]; expected 'text' and 'label', got \['content', 'class'\]", id="features-raw-csv-columns"),
    pytest.param(lambda: create_dict_dataloader(np.zeros(6), GOLDS, "train"), ValueError, r"X must be 2-D and Y 1-D with one label per row of X; got X of shape \(6,\) and Y of shape \(6,\)", id="create-loader-X-1d"),
    pytest.param(lambda: create_dict_dataloader(np.zeros((6, 3)), GOLDS[:5], "train"), ValueError, r"X must be 2-D and Y 1-D with one label per row of X; got X of shape \(6, 3\) and Y of shape \(5,\)", id="create-loader-lengths"),
    pytest.param(lambda: create_dict_dataloader(np.zeros((6, 3)), PROBS, "train"), ValueError, r"got X of shape \(6, 3\) and Y of shape \(6, 2\)", id="create-loader-Y-probabilities"),
    pytest.param(lambda: create_dict_dataloader(np.zeros((6, 3)), GOLDS, 3), TypeError, r"split must be a str, got 3 \(int\)", id="create-loader-split-int"),
    pytest.param(lambda: get_pytorch_mlp(0, 1), ValueError, r"hidden_dim must be at least 1, got 0", id="mlp-hidden-dim-0"),
    pytest.param(lambda: get_pytorch_mlp(4.0, 1), TypeError, r"hidden_dim must be an int, got 4\.0 \(float\)", id="mlp-hidden-dim-float"),
    pytest.param(lambda: get_pytorch_mlp(4, True), TypeError, r"num_layers must be an int, got True \(bool\)", id="mlp-num-layers-bool"),
    pytest.param(lambda: get_pytorch_mlp(4, -1), ValueError, r"num_layers must be at least 1, got -1", id="mlp-num-layers-negative"),
    pytest.param(lambda: make_spam_sfs("short_comment"), TypeError, r"names must be a tuple drawn from \('short_comment', 'keyword_please', .*\); got 'short_comment'", id="spam-sfs-str"),
    pytest.param(lambda: make_spam_sfs(("short_coment",)), ValueError, r"names must be a tuple drawn from \(.*'textblob_polarity'\); got \('short_coment',\)", id="spam-sfs-misspelt"),
    pytest.param(lambda: make_spam_sfs(library="sklearn"), ValueError, r"library must be 'snorkel_slice' or 'snorkel', got 'sklearn'", id="spam-sfs-library"),
    pytest.param(lambda: fetch_spam_data(TMP / "data_empty_source", source_dir=empty_folder(), progress_bar=False), FileNotFoundError, r"source_dir=.*empty lacks Youtube01-Psy\.csv, .*Youtube05-Shakira\.csv\. Point source_dir at a folder with the five CSVs of the UCI YouTube Spam Collection, or unset it", id="fetch-source-dir-empty"),
    pytest.param(fetch_from_bad_source, ValueError, r"Checksum mismatch for Youtube01-Psy\.csv \(.*bad_source.*\): expected SHA-256 19797e6c.*, got [0-9a-f]{64}\. The file is damaged or not the UCI release\. Replace it in .*bad_source with the file from the UCI archive, or unset source_dir", id="fetch-source-dir-damaged"),
    pytest.param(fetch_into_damaged_folder, ValueError, r"Checksum mismatch for Youtube01-Psy\.csv \(.*data_damaged.*\): expected SHA-256 19797e6c.*The file is damaged or not the UCI release\. Delete .*Youtube01-Psy\.csv and re-run", id="fetch-data-dir-damaged"),
    pytest.param(fetch_from_ftp, ValueError, r"url must be an http:// or https:// address, got 'ftp://example\.org/spam\.zip'", id="fetch-url-ftp"),
    pytest.param(lambda: make_circle_data(0), ValueError, r"n must be an int >= 1; got 0 \(int\)", id="circles-n-0"),
    pytest.param(lambda: make_circle_data(10.5), TypeError, r"n must be an int >= 1; got 10\.5 \(float\)", id="circles-n-float"),
    pytest.param(lambda: make_circle_data(True), TypeError, r"n must be an int >= 1; got True \(bool\)", id="circles-n-bool"),
    pytest.param(lambda: circle_slices(pd.DataFrame({"x1": [0.0], "y": [0.0]})), ValueError, r"df lacks the column\(s\) \['x2'\]; expected x1 and x2, got \['x1', 'y'\]", id="circle-slices-missing-column"),
    # snorkel_slice.validation
    pytest.param(lambda: check_bool("progress_bar", "no"), TypeError, r"progress_bar must be True or False; got 'no' \(str\)", id="check-bool-str"),
    pytest.param(lambda: check_bool("progress_bar", 1), TypeError, r"progress_bar must be True or False; got 1 \(int\)", id="check-bool-int"),
    pytest.param(lambda: check_int("n_epochs", 2.0, low=1), TypeError, r"n_epochs must be an int >= 1; got 2\.0 \(float\)", id="check-int-float"),
    pytest.param(lambda: check_int("n_epochs", True, low=1), TypeError, r"n_epochs must be an int >= 1; got True \(bool\)", id="check-int-bool"),
    pytest.param(lambda: check_int("n_epochs", 0, low=1), ValueError, r"n_epochs must be an int >= 1; got 0 \(int\)", id="check-int-below"),
    pytest.param(lambda: check_int("k", 5, high=3), ValueError, r"k must be an int <= 3; got 5 \(int\)", id="check-int-above"),
    pytest.param(lambda: check_int("k", 5, low=0, high=3, hint="Pick 0 to 3."), ValueError, r"k must be an int in \[0, 3\]; got 5 \(int\)\. Pick 0 to 3\.", id="check-int-range-hint"),
    pytest.param(lambda: check_real("lr", "1e-3", low=0, low_open=True), TypeError, r"lr must be a number > 0; got '1e-3' \(str\)\. Write it without quotes, e\.g\. lr=1e-3", id="check-real-str"),
    pytest.param(lambda: check_real("lr", None), TypeError, r"lr must be a number; got None \(NoneType\)", id="check-real-none"),
    pytest.param(lambda: check_real("lr", 0, low=0, low_open=True), ValueError, r"lr must be a number > 0; got 0\.0 \(float\)", id="check-real-open-bound"),
    pytest.param(lambda: check_real("p", 1, low=0, high=1, high_open=True), ValueError, r"p must be a number in \[0, 1\); got 1\.0 \(float\)", id="check-real-half-open-range"),
    pytest.param(lambda: check_real("lr", float("nan"), low=0), ValueError, r"lr must be a number >= 0; got nan \(float\)", id="check-real-nan"),
    pytest.param(lambda: check_choice("optimizer", "adamw", ("sgd", "adam")), ValueError, r"optimizer must be one of \('sgd', 'adam'\); got 'adamw' \(str\)", id="check-choice"),
    pytest.param(lambda: check_choice("optimizer", ["sgd"], ("sgd", "adam")), ValueError, r"optimizer must be one of \('sgd', 'adam'\); got \['sgd'\] \(list\)", id="check-choice-unhashable"),
    pytest.param(lambda: check_same_length(golds=[1, 0, 1], preds=[1, 0]), ValueError, r"Found input variables with inconsistent numbers of samples: golds=3, preds=2\. Pass one entry per data point in each", id="check-same-length"),
    pytest.param(lambda: check_same_length("in the batch", golds=[1, 0, 1], preds=[1, 0], probs=None), ValueError, r"inconsistent numbers of samples in the batch: golds=3, preds=2\. Pass one entry", id="check-same-length-where"),
    # --- added with the fixes for the findings of this table (issue 10) ---------------------------
    pytest.param(lambda: create_dict_dataloader(np.zeros((6, 3)), PROBS[:, 1], "train"), ValueError, r"Y_dict\['task'\] must hold whole-number class labels \(-1 = no label\); got 0\.1 at row 0", id="create-loader-prob-labels"),
    pytest.param(lambda: create_dict_dataloader(np.array([["a"] * 3] * 6), GOLDS, "train"), TypeError, r"X must be numeric features, shape \(n_rows, n_features\)", id="create-loader-str-features"),
    pytest.param(lambda: create_dict_dataloader(np.zeros((6, 3)), list("abcdef"), "train"), TypeError, r"Y must hold integer class labels; got dtype <U1", id="create-loader-str-labels"),
    pytest.param(lambda: probs_to_preds([[np.nan, 0.5], [0.2, 0.8]]), ValueError, r"probs must be finite; row 0 is \[nan, 0\.5\]", id="probs-to-preds-nan"),
    pytest.param(lambda: PLAIN.predict_proba(np.zeros((2, 5))), ValueError, r"base_architecture failed on X_dict\['input_data'\] of shape \(2, 5\): .*Check that the inputs have the width", id="predict-proba-wrong-width"),
    pytest.param(lambda: PLAIN.predict_proba(DL), TypeError, r"predict_proba takes raw inputs X; for a loader use predict\(dataloader\)", id="predict-proba-loader"),
    pytest.param(lambda: PLAIN.predict_proba([["a", "b", "c"]]), ValueError, r"predict_proba: X must be numeric features, shape \(n, \.\.\.\)", id="predict-proba-strings"),
    pytest.param(lambda: DictDataset("d", "train", X, {"task": Y}), TypeError, r"DictDataset 'd': X_dict must be a dict \{name: values\}, got Tensor", id="dataset-x-dict-tensor"),
    pytest.param(lambda: DictDataset("d", "train", {"input_data": X}, Y), TypeError, r"DictDataset 'd': Y_dict must be a dict \{name: values\}, got Tensor", id="dataset-y-dict-tensor"),
    pytest.param(lambda: DictDataset("d", "train", {"x": torch.tensor(1.0)}, {}), ValueError, r"X_dict\['x'\] is a single value \(0-d\); give one entry per data point", id="dataset-0d-field"),
    pytest.param(lambda: DictDataset.from_tensors(X, ["spam"] * 6, "train"), TypeError, r"Y_tensor must hold integer class labels; got list of dtype <U4", id="from-tensors-str-labels"),
    pytest.param(lambda: DictDataset.from_tensors(X, None, "train"), TypeError, r"Y_tensor must hold integer class labels; got NoneType of dtype object", id="from-tensors-none-labels"),
    pytest.param(lambda: DictDataset.from_tensors(X, GOLDS, "train", task_name=3), TypeError, r"task_name must be a str, got 3 \(int\)", id="from-tensors-task-name-int"),
    pytest.param(lambda: Scorer(["accuracy"]).score_slices(S, GOLDS, PREDS, ci=0.9, random_state="seed"), TypeError, r"random_state must be a non-negative int, a numpy Generator or None; got 'seed' \(str\)", id="score-slices-random-state-str"),
    pytest.param(lambda: Scorer(["accuracy"]).score_slices(S, GOLDS, PREDS, ci=0.9, random_state=-1), TypeError, r"random_state must be a non-negative int, .*got -1 \(int\)", id="score-slices-random-state-negative"),
    pytest.param(lambda: Scorer(["accuracy"]).score_slices(S, GOLDS, PREDS, as_dataframe="no"), TypeError, r"as_dataframe must be True or False; got 'no' \(str\)", id="score-slices-as-dataframe-str"),
    pytest.param(lambda: slice_overlap(S, normalize="no"), TypeError, r"normalize must be True or False; got 'no' \(str\)", id="overlap-normalize-str"),
    pytest.param(lambda: make_circle_data(10, seed="a"), TypeError, r"seed must be an int >= 0; got 'a' \(str\)", id="circles-seed-str"),
    pytest.param(lambda: make_circle_data(10, circles={"c": (0, 0)}), ValueError, r"circles\['c'\] must be \(center x1, center x2, radius\), three numbers; got \(0, 0\)", id="circles-two-numbers"),
    pytest.param(lambda: make_circle_data(10, circles=[(0, 0, 0.1)]), TypeError, r"circles must be a dict \{name: \(center x1, center x2, radius\)\}; got list", id="circles-list"),
    pytest.param(lambda: make_circle_data(10, circles={"overall": (0, 0, 0.1)}), ValueError, r"circle name 'overall' must be a Python identifier other than \['base', 'overall'\]", id="circles-reserved-name"),
    pytest.param(lambda: make_circle_data(10, circles={"c": (0, 0, -0.1)}), ValueError, r"circles\['c'\] needs a radius > 0; got -0\.1", id="circles-negative-radius"),
    pytest.param(lambda: circle_slices(np.zeros((2, 2))), TypeError, r"df must be a DataFrame with columns x1 and x2; got ndarray", id="circle-slices-array"),
    pytest.param(lambda: circle_slices(pd.DataFrame({"x1": ["a"], "x2": [0.0]})), TypeError, r"df column\(s\) \['x1'\] must hold numbers; got \['object'\]|df column\(s\) \['x1'\] must hold numbers; got \['str'\]", id="circle-slices-str-column"),
    pytest.param(lambda: plot_slice_scores(SCORES, metric="accuracy", ax="left"), TypeError, r"ax must be a matplotlib Axes \(e\.g\. from plt\.subplots\(\)\) or None for a new figure; got str 'left'", id="plot-scores-ax-str"),
    pytest.param(lambda: plot_slice_summary(S, ax="left"), TypeError, r"ax must be a matplotlib Axes .*got str 'left'", id="plot-summary-ax-str"),
    pytest.param(lambda: plot_slice_scores(SCORES.assign(accuracy="high"), metric="accuracy"), TypeError, r"scores\['accuracy'\] must hold numbers; got dtype", id="plot-scores-str-metric"),
    pytest.param(lambda: plot_slice_scores(SCORES.assign(n=np.nan), metric="accuracy"), ValueError, r"scores\['n'\] has missing sizes", id="plot-scores-nan-n"),
    pytest.param(lambda: plot_slice_summary(SCORES), ValueError, r"plot_slice_summary draws slice sizes from a slice matrix S or a slice_summary table; this looks like a table of scores", id="plot-summary-given-scores"),
    pytest.param(lambda: load_spam_dataset(data_dir=3), TypeError, r"data_dir must be a folder path \(str or Path\) or None; got 3", id="load-spam-data-dir-int"),
    pytest.param(lambda: fetch_spam_data(TMP, source_dir=3), TypeError, r"source_dir must be a folder path \(str or Path\) or None; got 3", id="fetch-source-dir-int"),
    pytest.param(lambda: PLAIN.load(None), TypeError, r"path must be a file path \(str or Path\); got None", id="plain-load-none"),
    pytest.param(lambda: df_to_features(CountVectorizer(), DF, "test"), ValueError, r"The vectorizer has not been fitted, so split 'test' cannot reuse its vocabulary; call df_to_features\(vectorizer, df_train, 'train'\) first", id="features-unfitted"),
    pytest.param(lambda: df_to_features(CountVectorizer(), "df", "train"), TypeError, r"df must be a DataFrame of comments, got str; the order is df_to_features\(vectorizer, df, split\)", id="features-df-str"),
    pytest.param(lambda: df_to_features(DF, CountVectorizer(), "train"), TypeError, r"df must be a DataFrame of comments, got CountVectorizer", id="features-swapped"),
    pytest.param(lambda: df_to_features(CountVectorizer(), DF.assign(text=[None, *DF.text[1:]]), "train"), ValueError, r"df\['text'\] must hold strings; rows \[0\] do not \(e\.g\. (None|nan)\)", id="features-none-text"),
    pytest.param(lambda: PLAIN.score(None), TypeError, r"dataloaders must be a DictDataLoader or a list of them; got NoneType", id="plain-score-none"),
    pytest.param(lambda: PLAIN.score(DS), TypeError, r"dataloaders got a DictDataset; wrap it: DictDataLoader\(dataset, batch_size=\.\.\.\)", id="plain-score-dataset"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=None), TypeError, r"slice_names must be a list of slice names \(str\), got None", id="aware-slice-names-none"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["overall"]), ValueError, r"SF name 'overall' is reserved", id="aware-slice-names-reserved"),
    pytest.param(lambda: SliceAwareClassifier(nn.Linear(3, 4), head_dim=4, slice_names=["short comment"]), ValueError, r"SF name 'short comment' is not a Python identifier", id="aware-slice-names-space"),
    pytest.param(lambda: make_spam_sfs(None), TypeError, r"names must be a tuple drawn from .*; got None", id="spam-sfs-none"),
    pytest.param(lambda: DaskSFApplier([SHORT]).apply(DDF, scheduler="bogus"), ValueError, r"scheduler must be one of \('sync', .*\), a dask\.distributed Client, or None for dask's default; got 'bogus'", id="dask-scheduler-bogus"),
    pytest.param(lambda: make_slice_dataloader(DS, S, slice_names="short"), TypeError, r"slice_names must be a list of slice names \(str\), got 'short'; e\.g\. \['short'\]", id="slice-loader-names-str"),
    pytest.param(lambda: Scorer(custom_metric_funcs={"m": lambda g, p: 1.0}), TypeError, r"custom_metric_funcs\['m'\] must take three arguments, f\(golds, preds, probs\) .*add the ones it ignores", id="scorer-custom-arity"),
    pytest.param(lambda: PlainClassifier(nn.Linear(3, 4), head_dim=4, scorer=Scorer), TypeError, r"scorer must be a snorkel_slice\.analysis\.Scorer \(with score and score_slices\), got <class", id="plain-scorer-class"),
    pytest.param(lambda: preprocessor()(3), TypeError, r"@preprocessor\(\) decorates a function of one data point; got int 3", id="pre-decorate-int"),
    pytest.param(lambda: preds_to_probs([0.5, 1], 2), ValueError, r"preds must hold integer class labels: Input contains at least one non-integer value: 0\.5", id="preds-to-probs-fraction"),
    # Vectorized SFs (issue 16): the result of a batch, and what a batch SF may not do
    pytest.param(lambda: SlicingFunction("v", lambda df: df.text, vectorized="yes"), TypeError, r"SF 'v': vectorized must be True or False, got 'yes'\.", id="vec-flag"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("v", lambda df: df.text.str.len(), vectorized=True)]).apply(DF, progress_bar=False), TypeError, r"vectorized SF 'v' returned values of dtype int64, expected bool \(one per row\)\. Compare to get bools", id="vec-int-result"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("v", lambda df: (df.label > 0).to_numpy()[:3], vectorized=True)]).apply(DF, progress_bar=False), ValueError, r"vectorized SF 'v' returned 3 values for a batch of 6 rows; return one bool per row, in the batch's order", id="vec-short-result"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("v", lambda df: (df.label > 0).sort_values(), vectorized=True)]).apply(DF, progress_bar=False), ValueError, r"vectorized SF 'v' returned a Series whose index differs from the batch's", id="vec-sorted-series"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("v", lambda df: bool(len(df)), vectorized=True)]).apply(DF, progress_bar=False), TypeError, r"vectorized SF 'v' returned a single True; a vectorized SF returns one bool per row", id="vec-scalar-result"),
    pytest.param(lambda: PandasSFApplier([SlicingFunction("v", lambda df: df.txt.str.len() < 5, vectorized=True)]).apply(DF, progress_bar=False), SlicingFunctionError, r"vectorized SF 'v' failed on a batch of 6 rows \(index 0\.\.5\): AttributeError: .*-- fix the SF, or pass fault_tolerant=True", id="vec-raises"),
    pytest.param(lambda: SFApplier([SlicingFunction("v", lambda df: df.label > 0, vectorized=True)]).apply([DF.iloc[0]]), TypeError, r"SFApplier runs SFs one data point at a time, but \['v'\] are vectorized", id="vec-sfapplier"),
    pytest.param(lambda: SlicingFunction("v", lambda df: df.label > 0, pre=[preprocessor(memoize=True)(lambda df: df)], vectorized=True), ValueError, r"SF 'v' is vectorized, so its preprocessors receive whole batches .*Pass memoize=False", id="vec-memoized-pre"),
    pytest.param(lambda: PandasSFApplier([SHORT]).apply(DF, progress_bar=False, as_dataframe="yes"), TypeError, r"as_dataframe must be True or False", id="apply-as-dataframe-flag"),
    # Compact S layouts
    pytest.param(lambda: slice_summary(S_DF.to_numpy()), TypeError, r"S is a plain matrix of shape \(6, 2\), which has no slice names; pass slice_names=\[\.\.\.\]", id="S-matrix-no-names"),
    pytest.param(lambda: slice_summary(S_DF.to_numpy(), slice_names=["short"]), ValueError, r"slice_names has 1 names for the 2 columns of S; give one name per column", id="S-matrix-names-count"),
    pytest.param(lambda: slice_summary(S_DF, slice_names=["a", "b"]), TypeError, r"slice_names is only for a plain matrix \(numpy array or scipy\.sparse\)", id="S-frame-with-names"),
]


@pytest.mark.parametrize(("call", "error", "match"), CASES)
def test_bad_input_is_refused_with_a_helpful_message(call, error, match):
    with pytest.raises(error, match=match):
        call()
