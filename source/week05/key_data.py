"""Week 5 course data: the Prime Music × Alexa household panel (instructor-only, never released).

The visible panel, ``prime_music_panel.csv`` beside the notebooks, is written by
:func:`write_visible_panel` (``python source/week05/key_data.py``); a course test checks the
committed file is exactly what this code builds. Hidden panels are built at grading time by
:func:`planted_panel` from a hidden seed: their subscription counts are set exactly, so the
difference-in-differences of every device equals its planted effect, while a common upward
trend (the pre-trend trap) and a level gap between the groups make the naive estimates fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
VISIBLE_CSV = HERE / "prime_music_panel.csv"
VISIBLE_SEED = 20240605
COLUMNS = ["household_id", "device", "treated", "month", "post", "subscribed"]


@dataclass(frozen=True)
class Segment:
    """One device type: group sizes and the monthly subscription rate, in percentage points.

    rate(group, month) = base + gap * treated + trend * (month - 1) + effect * treated * post
    """

    device: str
    n_treated: int
    n_control: int
    base: int
    gap: int
    trend: int
    effect: int


def _rate(segment: Segment, treated: int, month: int, post: int) -> int:
    return (
        segment.base
        + segment.gap * treated
        + segment.trend * (month - 1)
        + segment.effect * treated * post
    )


def build_panel(
    segments: list[Segment],
    *,
    months: int,
    launch: int,
    rng: np.random.Generator,
    exact: bool,
    first_id: int = 1001,
    shuffle_rows: bool = False,
) -> pd.DataFrame:
    """A balanced household × month panel with the columns of :data:`COLUMNS`.

    Each (device, group, month) cell has a subscriber count: exactly rate × size / 100 when
    ``exact`` (sizes must then make that a whole number), else that count rounded after
    adding normal noise with a standard deviation of one household.
    Households subscribe in a fixed random order, so one who subscribes stays while the count
    does not fall: a realistic adoption curve.
    """
    rows = []
    next_id = first_id
    for segment in segments:
        for treated, size in ((1, segment.n_treated), (0, segment.n_control)):
            counts = []
            for month in range(1, months + 1):
                post = int(month >= launch)
                rate = _rate(segment, treated, month, post)
                if not 0 <= rate <= 100:
                    raise ValueError(f"rate {rate} out of range for {segment.device}")
                if exact:
                    if (rate * size) % 100:
                        raise ValueError(f"{segment.device}: {size} households, rate {rate}%")
                    counts.append(rate * size // 100)
                else:  # the expected count, give or take a household or two
                    count = round(size * rate / 100 + rng.normal(0, 1.0))
                    counts.append(int(min(size, max(0, count))))
            ranks = rng.permutation(size)
            ids = np.arange(next_id, next_id + size)
            next_id += size
            for household, rank in zip(ids, ranks, strict=True):
                for month, count in enumerate(counts, start=1):
                    rows.append(
                        (
                            int(household),
                            segment.device,
                            treated,
                            month,
                            int(month >= launch),
                            int(rank < count),
                        )
                    )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # household ids are shuffled so the id says nothing about device or group
    relabel = dict(
        zip(
            sorted(frame["household_id"].unique()),
            rng.permutation(frame["household_id"].unique()).tolist(),
            strict=True,
        )
    )
    frame["household_id"] = frame["household_id"].map(relabel).astype("int64")
    if shuffle_rows:
        frame = frame.sample(frac=1.0, random_state=int(rng.integers(2**31)))
    else:
        frame = frame.sort_values(["household_id", "month"])
    return frame.reset_index(drop=True)


VISIBLE_SEGMENTS = [
    Segment("Echo Dot", n_treated=90, n_control=60, base=18, gap=4, trend=1, effect=6),
    Segment("Echo Show", n_treated=30, n_control=70, base=25, gap=6, trend=2, effect=9),
    Segment("Fire TV", n_treated=50, n_control=40, base=12, gap=3, trend=1, effect=2),
]


def visible_panel() -> pd.DataFrame:
    """The released panel: 340 households, 6 months, integration from month 4."""
    rng = np.random.default_rng(VISIBLE_SEED)
    return build_panel(VISIBLE_SEGMENTS, months=6, launch=4, rng=rng, exact=False)


def write_visible_panel(path: Path = VISIBLE_CSV) -> None:
    visible_panel().to_csv(path, index=False)


def read_visible_panel() -> pd.DataFrame:
    return pd.read_csv(VISIBLE_CSV)


# ------------------------------------------------------------------------- hidden panels

_HIDDEN_DEVICES = ("Echo Dot", "Echo Show", "Echo Studio", "Fire TV", "Echo Pop")


def planted_panel(seed: int, variant: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """A hidden panel and its planted effects (``{device: effect, "overall": effect}``).

    Every variant has a common upward trend (so before/after on the integration group is
    wrong), a level gap between the groups (so comparing the groups after launch is wrong),
    effects that differ by device and treated shares that differ by device (so an unweighted
    average, a pooled DiD and weights by all households are wrong). Sizes are multiples of
    100, so the counts are exact.
    """
    rng = np.random.default_rng([seed, variant])
    shapes = [
        # (number of devices, months, launch month)
        (3, 6, 4),
        (4, 8, 5),
        (2, 5, 3),
    ]
    n_devices, months, launch = shapes[variant % len(shapes)]
    devices = rng.choice(_HIDDEN_DEVICES, size=n_devices, replace=False).tolist()
    sizes = [100, 200, 300, 400]
    effects = rng.choice([2, 3, 5, 7, 9, 11], size=n_devices, replace=False)
    treated_sizes = rng.permutation(sizes)[:n_devices]  # distinct, so weights matter
    segments = []
    for index, device in enumerate(devices):
        n_treated = int(treated_sizes[index])
        n_control = int(rng.choice([s for s in sizes if s != n_treated]))
        segments.append(
            Segment(
                str(device),
                n_treated=n_treated,
                n_control=n_control,
                base=int(rng.integers(8, 25)),
                gap=int(rng.integers(3, 9)),
                trend=int(rng.integers(1, 4)) + index,  # device trends differ
                effect=int(effects[index]),
            )
        )
    panel = build_panel(
        segments, months=months, launch=launch, rng=rng, exact=True, shuffle_rows=variant > 0
    )
    truth = {s.device: s.effect / 100 for s in segments}
    treated = sum(s.n_treated for s in segments)
    truth["overall"] = sum(s.effect * s.n_treated for s in segments) / 100 / treated
    return panel, truth


if __name__ == "__main__":
    write_visible_panel()
    print(f"wrote {VISIBLE_CSV}")
