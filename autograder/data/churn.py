"""A customer-activity database with churn: Larkspur Market's customers, who sometimes leave.

The store database (:mod:`autograder.data.store`) draws each customer's orders independently,
so nobody ever really stops buying. Churn exercises need customers whose activity stops for
reasons the data can show: this module simulates, day by day, customers who order at their
own rate until a latent "leaving" day, slowing down in the weeks before it. Leaving comes
sooner for customers who order rarely, spend little, return a lot of what they buy and
joined recently, plus noise no feature explains. The generated file has two tables,
``customers`` and ``orders``; ``data/README.md`` is its data card.

``build_churn`` writes the database from one seed; the visible file ``data/churn.db`` is
built with ``CHURN_SEED``. Graders build hidden variants (other customers, another id range)
from the course's hidden seeds. ``connect`` opens the shipped file read-only, finding it like
:func:`autograder.data.store.store_path` does (or building it once into a user cache).

Everything random comes from ``numpy.random.default_rng(seed)``, nothing from the clock, so
the same arguments always give the same rows (compare :func:`table_digest`).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from autograder.data.store import shared_connection

CHURN_SEED: int = 4040
N_CUSTOMERS: int = 2500
TABLES: tuple[str, ...] = ("customers", "orders")
SHIPPED = Path("data") / "churn.db"  # under a course root
_CACHE_FOLDER = "ds-interview-loop"

FIRST_DAY = "2022-01-01"
LAST_DAY = "2024-12-31"  # orders run until the end of this day
LAST_SIGNUP = "2024-06-30"
SEGMENTS = ("consumer", "business")
CHANNELS = ("organic", "paid_search", "referral", "social")
STATUSES = ("completed", "returned", "cancelled")

SCHEMA = """
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    signup_date TEXT NOT NULL,
    segment TEXT NOT NULL,
    channel TEXT NOT NULL
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
    ordered_at TEXT NOT NULL,
    status TEXT NOT NULL,
    amount REAL NOT NULL
);
CREATE INDEX idx_orders_customer_id ON orders(customer_id);
CREATE INDEX idx_orders_ordered_at ON orders(ordered_at);
"""

_EPOCH = np.datetime64(FIRST_DAY, "D")
N_DAYS = int((np.datetime64(LAST_DAY, "D") - _EPOCH).astype(np.int64)) + 1
_LAST_SIGNUP_DAY = int((np.datetime64(LAST_SIGNUP, "D") - _EPOCH).astype(np.int64))

# how each channel shifts the leaving hazard (log scale), and the segments' shares
_CHANNEL_P = np.array([0.4, 0.25, 0.15, 0.2])
_CHANNEL_HAZARD = np.array([0.0, 0.25, -0.45, 0.4])
_BUSINESS_SHARE = 0.2
_BASE_HAZARD = 0.0016  # leaving per day for a typical established customer
_FADE_DAYS = 45  # orders slow down over this many days before a customer leaves


def _dates(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(_EPOCH + np.asarray(days).astype("timedelta64[D]")).tolist()


def _timestamps(seconds: np.ndarray) -> list[str]:
    start = _EPOCH.astype("datetime64[s]")
    text = np.datetime_as_string(start + np.asarray(seconds).astype("timedelta64[s]"), unit="s")
    return [s.replace("T", " ") for s in text.tolist()]


def _simulate(seed: int, n_customers: int) -> tuple[dict, dict]:
    """Customers and their orders as column arrays (day numbers and seconds from FIRST_DAY)."""
    people, days, orders = np.random.default_rng(seed).spawn(3)
    n = n_customers
    # signups: more recent ones more common
    signup = np.sort((_LAST_SIGNUP_DAY * people.power(1.4, size=n)).astype(np.int64))
    business = people.uniform(size=n) < _BUSINESS_SHARE
    channel = people.choice(len(CHANNELS), size=n, p=_CHANNEL_P)
    rate = np.exp(people.normal(np.log(1.1 / 30), 0.55, size=n)) * np.where(business, 1.3, 1.0)
    spend = np.exp(people.normal(np.log(48.0), 0.45, size=n)) * np.where(business, 1.6, 1.0)
    returns = people.beta(1.4, 11.0, size=n)
    frailty = people.normal(0.0, 0.6, size=n)  # what no feature explains
    log_hazard = (
        np.log(_BASE_HAZARD)
        - 0.9 * np.log(rate * 30 / 1.1)
        - 0.6 * np.log(spend / 48.0)
        + 6.0 * (returns - 0.11)
        + _CHANNEL_HAZARD[channel]
        + frailty
    )
    hazard = np.exp(log_hazard)

    # the day each customer leaves: a daily hazard, higher in the first months
    leave = np.full(n, N_DAYS + 10_000, dtype=np.int64)
    for day in range(N_DAYS):
        age = day - signup
        open_ = (age >= 0) & (leave > N_DAYS)
        if not open_.any():
            continue
        newcomer = 1.0 + 2.5 * np.exp(-np.maximum(age, 0) / 75.0)
        gone = open_ & (days.uniform(size=n) < hazard * newcomer)
        leave[gone] = day

    # orders: a Poisson process at each customer's rate, fading before the leaving day
    grid = np.arange(N_DAYS)
    fade = np.clip((leave[:, None] - grid[None, :]) / _FADE_DAYS, 0.0, 1.0)
    active = grid[None, :] >= signup[:, None]
    expected = rate[:, None] * fade * active
    counts = orders.poisson(expected)
    who, day = np.nonzero(counts)
    repeat = counts[who, day]
    who, day = np.repeat(who, repeat), np.repeat(day, repeat)
    seconds = day * 86_400 + orders.integers(1, 86_400, size=len(day))  # never exactly midnight
    draw = orders.uniform(size=len(day))
    status = np.where(draw < 0.04, 2, np.where(draw < 0.04 + returns[who], 1, 0))
    amount = np.round(spend[who] * np.exp(orders.normal(0, 0.35, size=len(day))), 2)
    amount = np.maximum(amount, 3.0)
    order = np.lexsort((who, seconds))
    customers = {
        "signup": signup,
        "segment": np.where(business, 1, 0),
        "channel": channel,
    }
    placed = {
        "who": who[order],
        "seconds": seconds[order],
        "status": status[order],
        "amount": amount[order],
    }
    return customers, placed


def _rows(seed: int, n_customers: int, first_customer_id: int) -> dict[str, list[tuple]]:
    customers, placed = _simulate(seed, n_customers)
    ids = np.arange(first_customer_id, first_customer_id + n_customers)
    customer_rows = [
        (int(cid), day, SEGMENTS[int(seg)], CHANNELS[int(ch)])
        for cid, day, seg, ch in zip(
            ids,
            _dates(customers["signup"]),
            customers["segment"],
            customers["channel"],
            strict=True,
        )
    ]
    order_rows = [
        (index, int(ids[who]), stamp, STATUSES[int(status)], float(amount))
        for index, (who, stamp, status, amount) in enumerate(
            zip(
                placed["who"],
                _timestamps(placed["seconds"]),
                placed["status"],
                placed["amount"],
                strict=True,
            ),
            start=1,
        )
    ]
    return {"customers": customer_rows, "orders": order_rows}


def _fill(conn: sqlite3.Connection, rows: dict[str, list[tuple]]) -> None:
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)", rows["customers"])
    conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", rows["orders"])
    conn.commit()


def build_churn(
    target,
    *,
    seed: int = CHURN_SEED,
    n_customers: int = N_CUSTOMERS,
    first_customer_id: int = 1,
) -> sqlite3.Connection | None:
    """Build the customer-activity database from ``seed``.

    ``target`` is ":memory:" (the open connection is returned) or a file path (the file is
    replaced atomically and None is returned). ``first_customer_id`` moves the id range, so
    a variant's customers cannot be mistaken for the shipped file's.
    """
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    rows = _rows(seed, n_customers, first_customer_id)
    if isinstance(target, str) and target == ":memory:":
        conn = shared_connection(":memory:")
        _fill(conn, rows)
        return conn
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            _fill(conn, rows)
            conn.execute("VACUUM")
        finally:
            conn.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return None


def churn_path(start: Path | None = None) -> Path:
    """The database a notebook opens: the nearest ``data/churn.db`` at or above ``start``
    (default: the working directory), else one built once from ``CHURN_SEED`` in a user
    cache (a learner with only the installed package and a released folder)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SHIPPED).is_file():
            return folder / SHIPPED
    cache_root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    cached = Path(cache_root) / _CACHE_FOLDER / f"churn-{CHURN_SEED}.db"
    if not cached.exists():
        build_churn(cached)
    return cached


def connect(path=None, *, readonly: bool = True) -> sqlite3.Connection:
    """Open the database (default: the shipped one); read-only unless asked otherwise."""
    target = Path(path) if path is not None else churn_path()
    return shared_connection(target.expanduser().resolve(), readonly=readonly)


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def table_digest(conn: sqlite3.Connection) -> str:
    """sha256 over both tables' rows in primary-key order."""
    digest = hashlib.sha256()
    for table, key in (("customers", "customer_id"), ("orders", "order_id")):
        digest.update(f"{table}\n".encode())
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            digest.update(f"{tuple(row)!r}\n".encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the churn database and describe it.")
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--seed", type=int, default=CHURN_SEED)
    parser.add_argument("--customers", type=int, default=N_CUSTOMERS)
    args = parser.parse_args(argv)
    build_churn(args.out, seed=args.seed, n_customers=args.customers)
    conn = connect(args.out)
    try:
        print(f"{args.out}  ({args.out.stat().st_size:,} bytes)")
        for table, count in table_counts(conn).items():
            print(f"{table:10s} {count:>7,}")
        print(f"digest {table_digest(conn)}")
    finally:
        conn.close()


if __name__ == "__main__":
    main()
