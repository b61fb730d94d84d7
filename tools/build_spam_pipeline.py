"""Rebuild lesson 07's rule-based spaCy pipeline with ``nlp.to_disk``, and list what it wrote.

Usage: ``python tools/build_spam_pipeline.py [--out DIR]`` (default: ``data/spacy/spam_rules``,
or ``$SNORKEL_SLICE_DATA/spacy/spam_rules``).

The rules live in ``snorkel_slice/datasets/spam_pipeline.py``. ``spam_pipeline_path()`` builds the
pipeline on first use and whenever the rules or spaCy change, so this is only needed to force a
rebuild or to write a copy elsewhere. The output is not committed (data/README.md says why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from snorkel_slice.datasets.spam_pipeline import spam_pipeline_path, write_spam_pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to write the pipeline to, replaced if it exists "
                             "(default: where spam_pipeline_path() keeps it)")
    args = parser.parse_args(argv)
    path = spam_pipeline_path(rebuild=True) if args.out is None else write_spam_pipeline(args.out)
    files = sorted(p for p in path.rglob("*") if p.is_file())
    print(f"{'file':<32} {'bytes':>8}")
    for file in files:
        print(f"{file.relative_to(path).as_posix():<32} {file.stat().st_size:>8}")
    print(f"{'total':<32} {sum(f.stat().st_size for f in files):>8}  in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
