"""Week 6 data and messages: what the prompts promise holds for the files a learner loads."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.keys import COURSE, key

WEEK = "week06"


@pytest.mark.parametrize("folder", ["source", "release"])
def test_users_csv_loads_with_every_region_as_the_notebook_reads_it(folder):
    # the notebook loads users.csv with a plain pd.read_csv: no value may read as missing
    # (a region written "NA" became NaN for a third of the users)
    users = pd.read_csv(COURSE.root / folder / WEEK / "users.csv")
    assert not users.isna().any().any()
    assert users["region"].value_counts().to_dict() == {
        "NAM": 5_512,
        "EU": 4_870,
        "APAC": 3_506,
        "LATAM": 2_112,
    }


def test_every_week06_data_file_reads_the_same_with_or_without_missing_value_parsing():
    for path in sorted((COURSE.root / "source" / WEEK).glob("*.csv")):
        plain = pd.read_csv(path)
        literal = pd.read_csv(path, keep_default_na=False)
        assert plain.astype(str).equals(literal.astype(str)), path.name


def test_generated_populations_have_no_region_pandas_reads_as_missing(tmp_path):
    key_data = key(WEEK).data
    key_data.make_users(7, 400).to_csv(tmp_path / "users.csv", index=False)
    assert not pd.read_csv(tmp_path / "users.csv")["region"].isna().any()
