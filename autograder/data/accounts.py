"""Website login accounts, as typed by people: the same person can hold several accounts.

Built by :func:`autograder.data.store.build_store` into the table ``accounts`` from its own
random stream. An email identifies a person once surrounding spaces are removed and case is
ignored; the raw column keeps what people typed (``" Mary.Smith42@Example.com"``). Some
accounts have no email (NULL), different people share names, and a few people hold three
accounts. With ``edge_cases`` each of those shapes is guaranteed (hidden variants).
"""

from __future__ import annotations

import numpy as np

SCHEMA = """
CREATE TABLE accounts (
    account_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NULL,
    created_at TEXT NOT NULL
);
"""
INDEXES = ""

_DOMAINS = ("example.com", "example.net", "example.org", "mail.example")


def _typed(rng: np.random.Generator, email: str) -> str:
    """How a person might type ``email`` again: other capitals and stray spaces."""
    local, domain = email.split("@")
    style = int(rng.integers(4))
    if style == 0:
        local = ".".join(part.capitalize() for part in local.split("."))
    elif style == 1:
        domain = domain.upper()
    elif style == 2:
        local = local.upper()
    text = f"{local}@{domain}"
    pad = int(rng.integers(4))
    return (" " * (pad & 1)) + text + (" " * (pad >> 1 & 1) * int(rng.integers(1, 3)))


def build_rows(
    rng: np.random.Generator,
    *,
    people: int,
    first_names: list[str],
    last_names: list[str],
    start_second: int,
    end_second: int,
    edge_cases: bool,
    timestamps,
) -> list[tuple]:
    """Rows of ``accounts`` for ``people`` people; account ids follow ``created_at``."""
    pool = max(40, people // 3)  # a small name pool, so namesakes are common
    pool_first = rng.choice(len(first_names), size=pool)
    pool_last = rng.choice(len(last_names), size=pool)
    tags = rng.choice(9000, size=people, replace=False) + 1000
    accounts: list[tuple[str, str | None]] = []
    for person in range(people):
        k = int(rng.integers(pool))
        first, last = first_names[pool_first[k]], last_names[pool_last[k]]
        name = f"{first} {last}"
        local = f"{first}.{last}".lower().replace("'", "")
        email = f"{local}{tags[person]}@{_DOMAINS[int(rng.integers(len(_DOMAINS)))]}"
        copies = 1 + int(rng.random() < 0.1) + int(rng.random() < 0.02)
        if edge_cases and person < 3:
            copies = 3 if person == 0 else 2
        for copy in range(copies):
            typed = email if copy == 0 and rng.random() < 0.7 else _typed(rng, email)
            no_email = copies == 1 and rng.random() < 0.04
            accounts.append((name, None if no_email else typed))
    if edge_cases:  # accounts without an email, two of them under one name
        for _ in range(2):
            accounts.append((accounts[-1][0], None))
    created = np.sort(rng.integers(start_second, end_second, size=len(accounts)))
    order = rng.permutation(len(accounts))  # a person's accounts are created at any time
    stamps = timestamps(created)
    return [
        (number, accounts[i][0], accounts[i][1], stamps[number - 1])
        for number, i in enumerate(order.tolist(), start=1)
    ]
