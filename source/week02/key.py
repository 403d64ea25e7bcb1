"""Week 2 — statistics, probability and machine learning from scratch.

The instructor's key (never released): each exercise here is what a notebook's test cells call: ``check()`` for the visible
examples, ``check_hidden()`` for the edge cases and data used in grading. Answers are
checked against independent references: scipy's exact binomial test and scikit-learn's
logistic regression, and simulations whose truth is known.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from autograder.exercises.function import Case, Mistake, Produces
from autograder.exercises.numeric import NumericExercise, Probe, produces_close
from autograder.exercises.probes import (
    DecisionsProbe,
    Distribution,
    NamedParts,
    Part,
    QuantileIntervalProbe,
    SameSeedProbe,
    read_interval,
)
from autograder.exercises.prompt_rules import PromptRule
from autograder.judges.arrays import close, coverage

TITLE = "Fundamentals: statistics and ML"
TOPICS = (
    "binomial test and p-values, Bayes, maximum likelihood, bootstrap, bias and variance, "
    "logistic regression from scratch"
)

# ------------------------------------------------------------------------------ biased_coin


def _binomial_pmfs(flips: int, p: float) -> np.ndarray:
    """P(X = k) for k = 0..flips (scipy's, for recognising wrong answers)."""
    from scipy.stats import binom

    return binom.pmf(np.arange(flips + 1), flips, p)


def _check_coin(heads, flips, p):
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    if flips < 1 or not 0 <= heads <= flips:
        raise ValueError("need flips >= 1 and 0 <= heads <= flips")


def _reference_p_value(heads, flips, p=0.5):
    from scipy.stats import binomtest

    _check_coin(heads, flips, p)
    return float(binomtest(heads, flips, p).pvalue)


def _p_value_variant(heads, flips, p=0.5, *, ties=True, observed=True):
    """The exact test done slightly wrong: equally likely outcomes or the observed one left out."""
    pmfs = _binomial_pmfs(flips, p)
    observed_p = pmfs[heads]
    if ties:
        rarer = pmfs <= observed_p * (1 + 1e-7)
    else:
        rarer = pmfs < observed_p * (1 - 1e-7)
    total = float(pmfs[rarer].sum())
    if observed and not ties:
        total += float(observed_p)
    return min(1.0, total)


def _one_sided(heads, flips, p=0.5):
    pmfs = _binomial_pmfs(flips, p)
    tail = pmfs[heads:] if heads >= flips * p else pmfs[: heads + 1]
    return min(1.0, float(tail.sum()))


def _without_observed(heads, flips, p=0.5):
    """Every outcome at most as likely as the observed one except the observed one itself."""
    return _p_value_variant(heads, flips, p) - float(_binomial_pmfs(flips, p)[heads])


def _agreeing(first, second):
    """A variant that explains a result only where two different mistakes give the same
    p-value (then the result cannot say which was made); elsewhere it explains nothing."""

    def both(heads, flips, p=0.5):
        value = first(heads, flips, p)
        if abs(value - second(heads, flips, p)) > 1e-12:
            raise ValueError("the two mistakes give different p-values here")
        return value

    return both


_WITHOUT_MIRROR = functools.partial(_p_value_variant, ties=False)


def _doubled_tail(heads, flips, p=0.5):
    pmfs = _binomial_pmfs(flips, p)
    return min(1.0, 2 * float(min(pmfs[: heads + 1].sum(), pmfs[heads:].sum())))


def _normal_approximation(heads, flips, p=0.5, *, correction=0.0):
    spread = math.sqrt(flips * p * (1 - p))
    z = max(abs(heads - flips * p) - correction, 0) / spread
    return math.erfc(z / math.sqrt(2))


def _coin_cases() -> tuple[Case, ...]:
    cases = [
        Case((0, 10), "no heads at all"),
        Case((10, 10), "all heads"),
        Case((0, 1), "a single flip"),
        Case((1, 1), "a single flip"),
        Case((50, 100), "heads equal to the expected count"),
        Case((30, 100, 0.3), "heads equal to the expected count, p = 0.3"),
        Case((0, 1000, 0.01), "a rare outcome never seen in 1000 flips"),
        Case((1000, 1000), "1000 heads in 1000 flips"),
    ]
    rng = np.random.default_rng(2024)
    for flips in (3, 9, 20, 57, 100, 250, 1000):
        for p in (0.5, 0.3, 0.75, 0.02):
            for heads in sorted({int(h) for h in rng.binomial(flips, [p, min(0.95, p + 0.15)])}):
                args = (heads, flips) if p == 0.5 else (heads, flips, p)
                cases.append(Case(args, f"{flips} flips" + ("" if p == 0.5 else ", p != 0.5")))
    cases += [
        Case((11, 10), "more heads than flips", raises=ValueError),
        Case((-1, 10), "negative heads", raises=ValueError),
        Case((3, 10, 1.5), "p outside (0, 1)", raises=ValueError),
        Case((3, 10, 0.0), "p on the boundary 0", raises=ValueError),
        Case((3, 10, 1.0), "p on the boundary 1", raises=ValueError),
        Case((3, 10, -0.2), "a negative p", raises=ValueError),
        Case((0, 0), "no flips", raises=ValueError),
        Case((975, 1000, 0.98), "1000 flips, p close to 1"),
    ]
    return tuple(cases)


biased_coin = NumericExercise(
    "biased_coin",
    name="biased_coin_p_value",
    reference=_reference_p_value,
    atol=1e-9,
    visible=(
        Case((60, 100)),
        Case((7, 10)),
        Case((3, 12, 0.4)),
        Case((50, 100)),
    ),
    hidden=functools.cache(_coin_cases),
    mistakes=(
        Mistake(
            "one tail, or an outcome exactly as likely as the observed one, is missing (here "
            "the observed outcome and its mirror image are equally likely, so leaving out "
            "either gives this p-value); count every outcome, in both tails and the observed "
            "one included, whose probability is <= the observed one's",
            produces_close(
                _agreeing(_without_observed, _WITHOUT_MIRROR),
                also=(
                    _agreeing(_one_sided, _WITHOUT_MIRROR),
                    _agreeing(_one_sided, _without_observed),
                ),
            ),
        ),
        Mistake(
            "looks like a one-sided p-value: count the outcomes in both tails that are at most "
            "as likely as the one observed",
            produces_close(_one_sided),
        ),
        Mistake(
            "looks like you doubled one tail; that matches the exact test only when p = 0.5 "
            "and needs capping at 1. Add up every outcome at most as likely as the observed one",
            produces_close(_doubled_tail),
        ),
        Mistake(
            "looks like a normal approximation; this exercise asks for exact binomial "
            "probabilities",
            produces_close(
                _normal_approximation,
                also=(functools.partial(_normal_approximation, correction=0.5),),
            ),
        ),
        Mistake(
            "outcomes exactly as likely as the observed one are missing (the mirror image "
            "when p = 0.5): use <=, with a small relative tolerance for rounding",
            produces_close(functools.partial(_p_value_variant, ties=False)),
        ),
        Mistake(
            "the observed outcome itself is missing from the sum: include every outcome "
            "whose probability is <= that of the observed one",
            produces_close(_without_observed),
        ),
        Mistake(
            "the observed outcome and the outcomes exactly as likely are missing: count "
            "every outcome whose probability is <= (not <) that of the observed one, the "
            "observed one included",
            produces_close(functools.partial(_p_value_variant, ties=False, observed=False)),
        ),
    ),
    banned=(
        "scipy.stats:binomtest",
        "scipy.stats:binom.pmf",
        "scipy.stats:binom.logpmf",
        "scipy.stats:binom.cdf",
        "scipy.stats:binom.sf",
    ),
    banned_methods=("binomtest", "binom_test"),
    prompt_rules=(
        PromptRule(
            "the total probability of every outcome that is at most as likely as the one observed",
            case="hidden case 7 (a rare outcome never seen in 1000 flips)",
            bank="fail_twice_the_smaller_tail",
        ),
        PromptRule(
            "in both tails",
            case="hidden case 1 (no heads at all)",
            bank="fail_one_sided_tail",
        ),
        PromptRule(
            "the observed outcome included",
            case="the observed outcome and its mirror image are equally likely",
            bank="fail_observed_outcome_left_out",
        ),
        PromptRule(
            "Return it as a float", case="expected a float", bank="fail_returns_numpy_float"
        ),
        PromptRule(
            "Do not use scipy.stats (no binomtest, no binom.pmf/cdf)",
            case="asks you to compute it yourself",
            bank="fail_uses_scipy_binomtest",
        ),
        PromptRule(
            "count an outcome when its probability is <=",
            case="hidden case 1 (no heads at all)",
            bank="fail_strict_less_than_drops_mirror",
        ),
        PromptRule(
            "observed_probability * (1 + 1e-7)",
            case="hidden case 14 (3 flips, p != 0.5)",
            bank="fail_lgamma_without_slack",
        ),
        PromptRule(
            "Raise ValueError unless 0 < p < 1",
            case="p on the boundary 0",
            bank="fail_accepts_p_of_zero_or_one",
        ),
        PromptRule("flips >= 1", case="(no flips)", bank="fail_accepts_zero_flips"),
        PromptRule(
            "0 <= heads <= flips",
            case="(more heads than flips)",
            bank="fail_heads_not_checked",
        ),
        PromptRule(
            "It must work for up to 1000 flips",
            case="hidden case 7 (a rare outcome never seen in 1000 flips)",
            bank="fail_float_factorial_table",
        ),
        PromptRule(
            "for lopsided p such as 0.02",
            case="(1000 flips, p != 0.5)",
            bank="fail_pmf_recurrence_from_zero",
        ),
    ),
    hints=(
        "Under H0 the number of heads is Binomial(flips, p): P(X = k) = C(flips, k) p^k "
        "(1 - p)^(flips - k). math.comb gives C(n, k).",
        "Two-sided means: add P(X = k) over every outcome k that is at most as likely as the "
        "one you observed, in both tails.",
        "Compare probabilities with a little slack, p_k <= p_observed * (1 + 1e-7), so "
        "rounding can't drop an equally likely outcome; cap the result at 1.",
    ),
)


def _reference_decision(heads, flips, alpha=0.05):
    return _reference_p_value(heads, flips) <= alpha


_DECISIONS_VISIBLE = ((60, 100), (59, 100), (15, 20, 0.01))
_DECISIONS_HIDDEN = (
    (58, 100),
    (528, 1000),  # a one-sided test would reject here
    (61, 100),
    (40, 100),
    (39, 100),
    (530, 1000),
    (535, 1000, 0.1),
    (16, 20, 0.01),
    (17, 20, 0.01),
    (10, 20),
)


def _one_sided_decision(heads, flips, alpha=0.05):
    return _one_sided(heads, flips) <= alpha


@functools.cache
def _decision_probe(cases: tuple[tuple, ...], *, hidden: bool) -> DecisionsProbe:
    """Judge the decisions together: one bool cannot tell a reversed rule from a wrong p-value.

    A visible message quotes the first wrong case with its p-value; a hidden one counts.
    """
    want = tuple(_reference_decision(*args) for args in cases)
    return DecisionsProbe(
        "several coins and levels" if hidden else "the worked examples",
        cases=cases,
        expected=want,
        patterns=(
            (
                tuple(not w for w in want),
                "the rule is the wrong way round: a SMALL p-value (<= alpha) is evidence of bias",
            ),
            (
                tuple(_one_sided_decision(*args) for args in cases),
                "these are the decisions of a one-sided test; use the two-sided p-value",
            ),
        ),
        otherwise="compare the two-sided p-value with alpha, and check biased_coin_p_value first",
        details=()
        if hidden
        else tuple(
            f"whose two-sided p-value is {_reference_p_value(args[0], args[1]):.4f}"
            for args in cases
        ),
    )


# 0 heads in 1 flip: both outcomes have probability 1/2, so every exact method gets a p-value
# of exactly 1.0 and "p-value <= alpha" rejects at alpha = 1 while "<" does not
_DECISIONS_AT_ALPHA = ((0, 1, 1.0), (1, 1, 1.0))


@functools.cache
def _decision_at_alpha_probe() -> DecisionsProbe:
    want = tuple(_reference_decision(*args) for args in _DECISIONS_AT_ALPHA)
    return DecisionsProbe(
        "a p-value exactly equal to alpha",
        cases=_DECISIONS_AT_ALPHA,
        expected=want,
        patterns=(
            (
                tuple(not w for w in want),
                "a p-value equal to alpha rejects too: the rule is p-value <= alpha",
            ),
        ),
        otherwise="compare the two-sided p-value with alpha using <=",
    )


biased_coin_decision = NumericExercise(
    "biased_coin_decision",
    name="coin_is_biased",
    reference=_reference_decision,
    visible=lambda: (_decision_probe(_DECISIONS_VISIBLE, hidden=False),),
    hidden=lambda: (
        _decision_probe(_DECISIONS_HIDDEN, hidden=True),
        _decision_at_alpha_probe(),
    ),
    prompt_rules=(
        PromptRule(
            "the two-sided test of a fair coin",
            case="these are the decisions of a one-sided test",
            bank="fail_decision_one_sided",
        ),
        PromptRule(
            "rejects at level alpha",
            case="the rule is the wrong way round",
            bank="fail_reject_when_p_is_large",
        ),
        PromptRule(
            "(p-value <= alpha)",
            case="hidden case 2 (a p-value exactly equal to alpha)",
            bank="fail_decision_strict_less_than",
        ),
        PromptRule("a Python bool", case="expected a bool", bank="fail_decision_numpy_bool"),
    ),
    hints=(
        "Compute the p-value with your biased_coin_p_value, then compare it with alpha.",
        "Reject 'the coin is fair' when the p-value is at most alpha; return a Python bool.",
    ),
)

# ---------------------------------------------------------------------------- fraud_posterior


def _posterior(prior, sensitivity, specificity, flags=1, *, ignore_prior=False, use_spec=False):
    for value in (prior, sensitivity, specificity):
        if not 0 <= value <= 1:
            raise ValueError("probabilities must lie between 0 and 1")
    if flags < 0:
        raise ValueError("flags cannot be negative")
    false_alarm = specificity if use_spec else 1 - specificity
    if ignore_prior:
        prior = 0.5
    fraud = prior * sensitivity**flags
    legit = (1 - prior) * false_alarm**flags
    if fraud + legit == 0:
        raise ValueError("an order can never be flagged this way")
    return fraud / (fraud + legit)


def _reference_posterior(prior, sensitivity, specificity, flags=1):
    return _posterior(prior, sensitivity, specificity, flags)


def _odds(prior, sensitivity, specificity, flags=1):
    return (prior * sensitivity**flags) / ((1 - prior) * (1 - specificity) ** flags)


fraud_posterior = NumericExercise(
    "fraud_posterior",
    name="fraud_posterior",
    reference=_reference_posterior,
    visible=(
        Case((0.01, 0.95, 0.98)),
        Case((0.01, 0.95, 0.98, 2)),
        Case((0.2, 0.7, 0.9)),
    ),
    hidden=(
        Case((0.002, 0.99, 0.995), "rare fraud, an accurate model"),
        Case((0.3, 0.6, 0.75, 3), "three flags"),
        Case((0.05, 0.9, 0.97, 0), "no flags yet"),
        Case((0.0, 0.9, 0.9), "a prior of 0"),
        Case((1.0, 0.9, 0.9), "a prior of 1"),
        Case((0.01, 0.8, 1.0), "a model with no false alarms"),
        Case((0.4, 0.5, 0.5, 4), "a flag that carries no information"),
        Case((1.2, 0.9, 0.9), "a prior above 1", raises=ValueError),
        Case((0.1, 0.9, -0.1), "a negative specificity", raises=ValueError),
        Case((0.1, 0.0, 1.0), "a flag that can never fire", raises=ValueError),
        Case((-0.1, 0.9, 0.9), "a negative prior", raises=ValueError),
        Case((0.1, 1.3, 0.9), "a sensitivity above 1", raises=ValueError),
        Case((0.1, -0.2, 0.9), "a negative sensitivity", raises=ValueError),
        Case((0.1, 0.9, 1.5), "a specificity above 1", raises=ValueError),
        Case((0.1, 0.9, 0.9, -1), "a negative number of flags", raises=ValueError),
        Case((0.0, 0.9, 1.0, 2), "flags that no order can raise", raises=ValueError),
        Case((0.3, 1.0, 0.0, 2), "a model that flags every order"),
    ),
    prompt_rules=(
        PromptRule(
            "returning P(fraud | flagged)",
            case="you returned the sensitivity",
            bank="fail_returns_sensitivity",
        ),
        PromptRule(
            "where prior is P(fraud) before any check",
            case="the prior is missing",
            bank="fail_ignores_prior",
        ),
        PromptRule(
            "correctly lets through 98% of legitimate ones (its specificity)",
            case="used the specificity where the false-positive rate",
            bank="fail_specificity_as_false_positive_rate",
        ),
        PromptRule("as a float", case="expected a float", bank="fail_returns_numpy_float"),
        PromptRule(
            "the number of independent checks",
            case="ignores how many flags were raised",
            bank="fail_one_update_whatever_the_flags",
        ),
        PromptRule(
            "flags=0 means no evidence yet",
            case="hidden case 3 (no flags yet)",
            bank="fail_rejects_zero_flags",
        ),
        PromptRule(
            "Raise ValueError when prior",
            case="(a prior above 1)",
            bank="fail_prior_not_checked",
        ),
        PromptRule(
            "sensitivity or specificity is outside [0, 1]",
            case="(a sensitivity above 1)",
            bank="fail_sensitivity_not_checked",
        ),
        PromptRule(
            "or specificity is outside [0, 1]",
            case="(a specificity above 1)",
            bank="fail_specificity_above_one_accepted",
        ),
        PromptRule(
            "outside [0, 1]",
            case="hidden case 4 (a prior of 0)",
            bank="fail_open_interval_checks",
        ),
        PromptRule(
            "when flags is negative",
            case="(a negative number of flags)",
            bank="fail_negative_flags_accepted",
        ),
        PromptRule(
            "when the flags could never all be raised (P(flags) = 0)",
            case="(a flag that can never fire)",
            bank="fail_zero_evidence_divides",
        ),
    ),
    mistakes=(
        Mistake(
            "you returned the sensitivity, P(flag | fraud); the question asks for P(fraud | flag)",
            produces_close(lambda prior, sensitivity, specificity, flags=1: float(sensitivity)),
        ),
        Mistake(
            "the prior is missing: weigh each likelihood by how common fraud and legitimate "
            "orders are",
            produces_close(functools.partial(_posterior, ignore_prior=True)),
        ),
        Mistake(
            "looks like you used the specificity where the false-positive rate "
            "(1 - specificity) belongs",
            produces_close(functools.partial(_posterior, use_spec=True)),
        ),
        Mistake(
            "that is the posterior odds; the probability is odds / (1 + odds)",
            produces_close(_odds),
        ),
        Mistake(
            "the answer ignores how many flags were raised: each independent flag multiplies "
            "in its likelihood once more",
            produces_close(
                lambda prior, sensitivity, specificity, flags=1: _reference_posterior(
                    prior, sensitivity, specificity
                )
            ),
        ),
    ),
    hints=(
        "Bayes: P(fraud | flag) = P(flag | fraud) P(fraud) / P(flag).",
        "P(flag) adds two ways to be flagged: fraud caught (sensitivity x prior) and a "
        "legitimate order flagged by mistake ((1 - specificity) x (1 - prior)).",
        "With several independent flags, raise each likelihood to the number of flags; check "
        "the inputs are probabilities and that P(flag) is not 0.",
    ),
)

# --------------------------------------------------------------------------- poisson_rate_mle


def _poisson_mle(counts, exposures, *, pooled=True, factorial=True):
    if len(counts) == 0 or len(counts) != len(exposures):
        raise ValueError("need one exposure per count, and at least one of each")
    if any(t <= 0 for t in exposures) or any(k < 0 for k in counts):
        raise ValueError("exposures must be positive and counts non-negative")
    if pooled:
        rate = sum(counts) / sum(exposures)
    else:
        rate = sum(k / t for k, t in zip(counts, exposures, strict=True)) / len(counts)
    log_likelihood = 0.0
    for k, t in zip(counts, exposures, strict=True):
        if k > 0:
            log_likelihood += k * math.log(rate * t)
        log_likelihood -= rate * t
        if factorial:
            log_likelihood -= math.lgamma(k + 1)
    return (float(rate), float(log_likelihood))


def _reference_poisson(counts, exposures):
    return _poisson_mle(counts, exposures)


def _poisson_unexposed(counts, exposures, *, exposed_likelihood=False):
    """The rate as events per store, exposure ignored; its log-likelihood with or without it."""
    rate = sum(counts) / len(counts)
    times = exposures if exposed_likelihood else [1] * len(counts)
    log_likelihood = 0.0
    for k, t in zip(counts, times, strict=True):
        if k > 0:
            log_likelihood += k * math.log(rate * t)
        log_likelihood -= rate * t
        log_likelihood -= math.lgamma(k + 1)
    return (float(rate), float(log_likelihood))


@functools.cache
def _poisson_cases() -> tuple[Case, ...]:
    rng = np.random.default_rng(77)
    days = [int(d) for d in rng.integers(1, 60, size=30)]
    counts = [int(k) for k in rng.poisson(0.8 * np.array(days))]
    return (
        Case((counts, days), "30 stores, open for different numbers of days"),
        Case(([0, 0, 0], [5, 9, 2]), "no events at all"),
        Case(([4], [2.5]), "a single store, a fractional exposure"),
        Case(([0, 7, 0, 1], [3, 40, 1, 4]), "some stores with no events"),
        Case(([480, 530], [10, 11]), "large counts"),
        Case(([1, 2], [3]), "counts and exposures of different lengths", raises=ValueError),
        Case(([], []), "no stores", raises=ValueError),
        Case(([2, 3], [4, 0]), "an exposure of 0", raises=ValueError),
        # no event where the exposure is 0, so log(λ·0) is never taken and nothing fails by luck
        Case(([2, 0], [4, 0]), "an exposure of 0 without events", raises=ValueError),
        Case(([2, 1], [4, -3]), "a negative exposure", raises=ValueError),
        Case(([1, 2], [3, 4, 5]), "more exposures than counts", raises=ValueError),
    )


poisson_rate_mle = NumericExercise(
    "poisson_rate_mle",
    name="poisson_rate_mle",
    reference=_reference_poisson,
    atol=1e-9,
    rtol=1e-9,
    visible=(Case(([3, 5, 0, 2], [10, 14, 3, 7])), Case(([12], [30]))),
    hidden=_poisson_cases,
    prompt_rules=(
        PromptRule(
            "returning a tuple of two Python floats",
            case="expected a float",
            bank="fail_returns_numpy_floats",
        ),
        PromptRule(
            "the MLE of λ",
            case="looks like you averaged each store's own rate",
            bank="fail_average_of_rates",
        ),
        PromptRule(
            "its count is Poisson with mean λ·tᵢ",
            case="the rate ignores exposure",
            bank="fail_ignores_exposure",
        ),
        PromptRule(
            "the full log-likelihood at that λ",
            case="leaves out the -log(k!) terms",
            bank="fail_drops_log_factorial",
        ),
        PromptRule(
            "the sum over stores of kᵢ·log(λ·tᵢ) − λ·tᵢ − log(kᵢ!)",
            case="the log-likelihood has the wrong sign",
            bank="fail_negative_log_likelihood",
        ),
        PromptRule(
            "kᵢ·log(λ·tᵢ) counts as 0 when kᵢ = 0",
            case="hidden case 2 (no events at all)",
            bank="fail_nan_when_no_events",
        ),
        PromptRule(
            "Raise ValueError when there are no stores",
            case="hidden case 7 (no stores)",
            bank="fail_no_stores_not_checked",
        ),
        PromptRule(
            "when the two lists differ in length",
            case="(counts and exposures of different lengths)",
            bank="fail_lengths_not_checked",
        ),
        PromptRule(
            "when an exposure is not positive",
            case="(an exposure of 0 without events)",
            bank="fail_zero_exposure_accepted",
        ),
    ),
    mistakes=(
        Mistake(
            "looks like you averaged each store's own rate; the MLE pools them: total events / "
            "total exposure",
            produces_close(functools.partial(_poisson_mle, pooled=False), rtol=1e-9),
        ),
        Mistake(
            "the log-likelihood leaves out the -log(k!) terms; they don't move the maximum but "
            "they are part of the log-likelihood",
            produces_close(functools.partial(_poisson_mle, factorial=False), rtol=1e-9),
        ),
        Mistake(
            "the log-likelihood has the wrong sign (that is the negative log-likelihood)",
            produces_close(
                lambda k, t: (_reference_poisson(k, t)[0], -_reference_poisson(k, t)[1]),
                rtol=1e-9,
            ),
        ),
        Mistake(
            "the rate ignores exposure: a store open for more days should count for more",
            produces_close(
                functools.partial(_poisson_unexposed, exposed_likelihood=True),
                rtol=1e-9,
                also=(_poisson_unexposed,),
            ),
        ),
        Mistake(
            "the log-likelihood is NaN: when k = 0 the term k·log(λt) is 0, even when λ = 0",
            # grading only: a NaN needs a rate of 0, which no visible case has
            lambda args, result: (
                type(result) is tuple
                and len(result) == 2
                and isinstance(result[1], float)
                and math.isnan(result[1])
            ),
        ),
    ),
    hints=(
        "Write the log-likelihood of one store, k·log(λt) − λt − log(k!), and add it up over "
        "the stores.",
        "Set its derivative in λ to zero: Σk/λ − Σt = 0. Solve for λ.",
        "math.lgamma(k + 1) is log(k!). When k is 0 the k·log(λt) term is 0 — don't take "
        "log(0). Return a tuple of two Python floats.",
    ),
)

# ------------------------------------------------------------------------ bootstrap_median_ci


def _reference_bootstrap(values, confidence=0.95, n_resamples=2000, seed=0):
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        raise ValueError("need at least one value")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    rng = np.random.default_rng(seed)
    medians = np.median(data[rng.integers(0, data.size, size=(n_resamples, data.size))], axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(medians, [tail, 1 - tail])
    return (float(low), float(high))


def _bootstrap_distribution(values: np.ndarray, statistic=np.median, draws: int = 60_000):
    """The bootstrap distribution of ``statistic``, from many resamples (the yardstick)."""
    rng = np.random.default_rng(31337)
    data = np.asarray(values, dtype=float)
    chunks = [
        statistic(data[rng.integers(0, data.size, size=(10_000, data.size))], axis=1)
        for _ in range(draws // 10_000)
    ]
    return np.sort(np.concatenate(chunks))


def _percentile_probe(values, confidence, n_resamples, seed) -> QuantileIntervalProbe:
    """The interval's ends must be the tail quantiles of the bootstrap medians, simulated here
    with far more resamples than the answer draws (so the slack covers its own noise)."""
    values = np.asarray(values, dtype=float)
    tail = (1 - confidence) / 2
    return QuantileIntervalProbe(
        f"a {confidence:.0%} interval from {n_resamples} resamples",
        args=(values, confidence, n_resamples, seed),
        quantiles=(tail, 1 - tail),
        slack=5 * math.sqrt(tail * (1 - tail) / n_resamples) + 0.005,
        distribution=Distribution.of(_bootstrap_distribution(values)),
        name="the bootstrap medians",
        advice=f"a {confidence:.0%} percentile interval cuts {tail:.1%} from each tail",
        zero_width=(
            "returned an interval of zero width: each resample must draw n values WITH "
            "replacement, so resampled medians vary"
        ),
        alternatives=(
            (
                Distribution.of(_bootstrap_distribution(values, np.mean)),
                "looks like a bootstrap interval for the mean; this one is for the median",
            ),
        ),
    )


def _seed_probe(values) -> SameSeedProbe:
    return SameSeedProbe(
        "the seed: same seed, same interval",
        args=(np.asarray(values, dtype=float), 0.9, 25, 7),
        seed_at=3,
        other_seeds=(1, 2, 3, 4, 5),
        repeats=4,
        result="interval",
        differs=(
            "returned different intervals for the same seed: draw every resample from "
            "np.random.default_rng(seed)"
        ),
        ignored=(
            "returned the same interval for every seed, from only a few resamples: draw "
            "n_resamples resamples with a generator seeded with the seed argument"
        ),
    )


def _coverage_probe(n_samples: int, size: int, confidence: float, seed: int) -> Probe:
    rng = np.random.default_rng(seed)
    samples = rng.exponential(1.0, size=(n_samples, size))
    truth = math.log(2)  # the median of an exponential distribution with mean 1

    def run(call):
        intervals = []
        for index, sample in enumerate(samples):
            interval, problem = read_interval(call(sample, confidence, 400, index))
            if problem:
                return problem
            intervals.append(interval)
        rate = coverage(intervals, truth)
        if confidence - 0.1 <= rate <= min(1.0, confidence + 0.07):
            return None
        return (
            f"covered the true median in {rate:.0%} of {n_samples} simulated samples; a "
            f"{confidence:.0%} interval should cover it about {confidence:.0%} of the time"
        )

    return Probe(f"coverage over {n_samples} simulated samples", run)


def _one_resample_probe() -> Probe:
    """With n_resamples=1 there is one median, so both ends are that median, a value of the
    data (an odd number of values): an answer that draws its own number of resamples fails."""
    values = np.round(np.random.default_rng(21).normal(10, 3, size=31), 2)

    def run(call):
        interval, problem = read_interval(call(values, 0.9, 1, 5))
        if problem:
            return problem
        low, high = interval
        if low != high or low not in set(values.tolist()):
            return (
                "did not return the median of its single resample at both ends; draw exactly "
                "n_resamples resamples"
            )
        return None

    return Probe("a single resample", run)


def _delivery_days() -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.round(rng.lognormal(1.2, 0.6, size=41), 1)


@functools.cache
def _bootstrap_visible() -> tuple:
    return (
        _percentile_probe(_delivery_days(), 0.95, 2000, 0),
        _percentile_probe(_delivery_days(), 0.6, 2000, 1),
        # distinct values, so resampled medians (and intervals) rarely coincide by chance
        _seed_probe(np.random.default_rng(5).normal(20, 4, 41).round(3)),
    )


@functools.cache
def _bootstrap_hidden() -> tuple:
    rng = np.random.default_rng(8)
    skewed = np.round(rng.lognormal(3.0, 1.0, size=60), 2)
    small = np.round(rng.normal(50, 10, size=25), 1)
    ratings = rng.integers(1, 6, size=80).astype(float)
    return (
        _percentile_probe(skewed, 0.8, 3000, 11),
        _percentile_probe(small, 0.5, 3000, 12),
        _percentile_probe(ratings, 0.9, 3000, 13),
        _percentile_probe(skewed, 0.99, 4000, 14),
        _seed_probe(small),
        _coverage_probe(150, 25, 0.9, seed=99),
        Case((np.array([7.5]), 0.95, 500, 0), "a single value"),
        Case((np.array([], dtype=float), 0.95, 500, 0), "no values", raises=ValueError),
        _one_resample_probe(),
    )


bootstrap_median_ci = NumericExercise(
    "bootstrap_median_ci",
    name="bootstrap_median_ci",
    reference=_reference_bootstrap,
    visible=_bootstrap_visible,
    hidden=_bootstrap_hidden,
    prompt_rules=(
        PromptRule(
            "percentile bootstrap interval (low, high) for the median",
            case="looks like a bootstrap interval for the mean",
            bank="fail_bootstraps_the_mean",
        ),
        PromptRule(
            "as two Python floats",
            case="expected Python floats",
            bank="fail_returns_numpy_floats",
        ),
        PromptRule(
            "with a random generator seeded with seed",
            case="returned the same interval for every seed",
            bank="fail_ignores_seed_argument",
        ),
        PromptRule(
            "draw n_resamples resamples",
            case="hidden case 9 (a single resample)",
            bank="fail_fixed_number_of_resamples",
        ),
        PromptRule(
            "drawn with replacement from values",
            case="returned an interval of zero width",
            bank="fail_without_replacement",
        ),
        PromptRule(
            "the (1 − confidence) / 2 and (1 + confidence) / 2 quantiles",
            case="cuts 10.0% from each tail",
            bank="fail_alpha_not_halved",
        ),
        PromptRule(
            "confidence=0.95",
            case="hidden case 1 (a 80% interval from 3000 resamples)",
            bank="fail_hardcoded_95_percent",
        ),
        PromptRule(
            "The same seed must give the same interval",
            case="returned different intervals for the same seed",
            bank="fail_unseeded_generator",
        ),
        PromptRule(
            "do not modify values", case="changed its input", bank="fail_sorts_input_in_place"
        ),
        PromptRule(
            "raise ValueError for an empty input",
            case="hidden case 8 (no values)",
            bank="fail_no_empty_check",
        ),
    ),
    hints=(
        "One resample: draw len(values) values from the data WITH replacement "
        "(rng.integers or rng.choice), and take its median.",
        "Repeat n_resamples times with rng = np.random.default_rng(seed), then take the "
        "(1 - confidence)/2 and (1 + confidence)/2 quantiles of the medians.",
        "Return (float(low), float(high)), and don't sort the input in place.",
    ),
)

# ------------------------------------------------------------------------------ bias_variance


def _polynomial_predictions(x_train, y_train, x_test, degree):
    return np.array(
        [
            np.polyval(np.polyfit(x, y, degree), x_test)
            for x, y in zip(x_train, y_train, strict=True)
        ]
    )


def _bias_variance(
    x_train, y_train, x_test, f_test, degree, *, ddof=0, square_after=False, spread_axis=0
):
    predictions = _polynomial_predictions(x_train, y_train, x_test, degree)
    average = predictions.mean(axis=0)
    if square_after:
        bias_squared = float(np.mean(average - f_test) ** 2)
    else:
        bias_squared = float(np.mean((average - f_test) ** 2))
    return (bias_squared, float(np.mean(predictions.var(axis=spread_axis, ddof=ddof))))


def _reference_bias_variance(x_train, y_train, x_test, f_test, degree):
    return _bias_variance(x_train, y_train, x_test, f_test, degree)


def simulate_training_sets(truth, *, n_sets, n_points, noise, seed):
    """``n_sets`` noisy training sets of ``truth`` on [-1, 1] and a test grid, as plain arrays.

    Returns ``x_train, y_train`` (shape ``(n_sets, n_points)``), ``x_test`` and
    ``f_test = truth(x_test)``. The notebook simulates its own sets the same way; the hidden
    checks use other functions and seeds.
    """
    rng = np.random.default_rng(seed)
    x_train = rng.uniform(-1, 1, size=(n_sets, n_points))
    y_train = truth(x_train) + rng.normal(0, noise, size=x_train.shape)
    x_test = np.linspace(-1, 1, 41)
    return x_train, y_train, x_test, truth(x_test)


def _sine(x):
    return np.sin(np.pi * x)


def _bumpy(x):
    return 0.5 * x + np.exp(-8 * x**2) - 0.3 * x**3


@functools.cache
def _bias_variance_visible() -> tuple[Case, ...]:
    data = simulate_training_sets(_sine, n_sets=30, n_points=15, noise=0.3, seed=1)
    return tuple(
        Case((*data, degree), f"the simulated sine data with degree {degree}") for degree in (1, 3)
    )


@functools.cache
def _bias_variance_hidden() -> tuple[Case, ...]:
    data = simulate_training_sets(_bumpy, n_sets=60, n_points=20, noise=0.4, seed=404)
    few = simulate_training_sets(_sine, n_sets=5, n_points=12, noise=0.2, seed=405)
    return (
        *(Case((*data, degree), f"degree {degree}") for degree in (1, 2, 3, 4, 5, 6, 7, 0)),
        Case((*few, 2), "five training sets"),
    )


def _degree_off(step: int):
    """The reference with the polynomial's degree off by ``step``."""

    def wrong(x_train, y_train, x_test, f_test, degree):
        if degree + step < 0:
            raise ValueError("no polynomial has a negative degree")
        return _reference_bias_variance(x_train, y_train, x_test, f_test, degree + step)

    return wrong


def _one_fit(x_train, y_train, x_test, f_test, degree, *, pooled=True):
    """One polynomial for every training set (fitted to them pooled, or to the first only):
    the predictions never disagree, so the variance is zero."""
    x, y = (np.ravel(x_train), np.ravel(y_train)) if pooled else (x_train[0], y_train[0])
    prediction = np.polyval(np.polyfit(x, y, degree), x_test)
    return (float(np.mean((prediction - f_test) ** 2)), 0.0)


def _no_variance(x_train, y_train, x_test, f_test, degree):
    return (_reference_bias_variance(x_train, y_train, x_test, f_test, degree)[0], 0.0)


bias_variance = NumericExercise(
    "bias_variance",
    name="bias_variance",
    reference=_reference_bias_variance,
    atol=1e-8,
    rtol=1e-6,
    visible=_bias_variance_visible,
    hidden=_bias_variance_hidden,
    prompt_rules=(
        PromptRule(
            "For each training set fit a polynomial of degree degree",
            case="the variance is zero",
            bank="fail_one_fit_on_pooled_data",
        ),
        PromptRule(
            "a polynomial of degree degree by least squares",
            case="the polynomial has the wrong degree",
            bank="fail_degree_off_by_one",
        ),
        PromptRule(
            "the mean over test points of (average prediction − f_test)²",
            case="you squared the average bias",
            bank="fail_squares_the_average_bias",
        ),
        PromptRule(
            "the variance of the predictions across training sets",
            case="the variance is taken along each fitted curve",
            bank="fail_variance_across_test_points",
        ),
        PromptRule(
            "divide by n_sets, ddof=0",
            case="the variance uses ddof=1",
            bank="fail_variance_ddof_1",
        ),
        PromptRule(
            "Return two Python floats", case="expected a float", bank="fail_returns_numpy_floats"
        ),
        PromptRule(
            "Do not modify the arrays",
            case="changed its input",
            bank="fail_sorts_training_sets_in_place",
        ),
    ),
    mistakes=(
        Mistake(
            "looks like the variance uses ddof=1; average the squared distances from the mean "
            "prediction over the training sets (ddof=0)",
            produces_close(functools.partial(_bias_variance, ddof=1), atol=1e-8, rtol=1e-6),
        ),
        Mistake(
            "the variance is taken along each fitted curve (across test points); take it "
            "across training sets at each test point (axis=0), then average",
            produces_close(functools.partial(_bias_variance, spread_axis=1), atol=1e-8, rtol=1e-6),
        ),
        Mistake(
            "you squared the average bias; square each test point's bias first, then average",
            produces_close(
                functools.partial(_bias_variance, square_after=True), atol=1e-8, rtol=1e-6
            ),
        ),
        Mistake(
            "looks like the polynomial has the wrong degree: np.polyfit(x, y, degree) fits "
            "degree + 1 coefficients",
            produces_close(_degree_off(-1), atol=1e-8, rtol=1e-6, also=(_degree_off(1),)),
        ),
        Mistake(
            "the variance is zero: fit a separate polynomial to each training set and measure "
            "how much their predictions disagree",
            produces_close(
                _one_fit,
                atol=1e-8,
                rtol=1e-6,
                also=(functools.partial(_one_fit, pooled=False), _no_variance),
            ),
        ),
    ),
    hints=(
        "Fit one polynomial per training set (np.polyfit) and predict on x_test: you get a "
        "matrix of predictions, one row per training set.",
        "Average the rows: that is the average model. Bias² compares it with f_test; the "
        "variance is how far each row strays from it.",
        "Bias² = mean over test points of (average prediction − f)²; variance = mean over test "
        "points of the variance across training sets (ddof=0). Return two Python floats.",
    ),
)

# ---------------------------------------------------------------------- logistic_regression


def _sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1 + exp_z)
    return out


def _fit(X, y, learning_rate=0.1, n_iterations=1000, *, mean=True, sign=1.0, bias=True, late=False):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    weights, intercept, losses = np.zeros(d), 0.0, []
    with np.errstate(all="ignore"):
        for _ in range(n_iterations):
            z = X @ weights + intercept
            if not late:
                losses.append(float(np.mean(np.logaddexp(0, z) - y * z)))
            error = _sigmoid(z) - y
            scale = n if mean else 1
            weights = weights - sign * learning_rate * (X.T @ error) / scale
            if bias:
                intercept = intercept - sign * learning_rate * float(np.sum(error)) / scale
            if late:
                z = X @ weights + intercept
                losses.append(float(np.mean(np.logaddexp(0, z) - y * z)))
    return weights, float(intercept), losses


def _reference_fit(X, y, learning_rate=0.1, n_iterations=1000):
    return _fit(X, y, learning_rate, n_iterations)


FIT_ATOL, FIT_RTOL = 1e-8, 1e-6


# (weights, bias, losses): checked for shape and type in that order, then losses first, as a
# wrong loss curve explains wrong weights
FIT_RESULT = NamedParts(
    parts=(
        Part("weights", "array"),
        Part("bias", "float"),
        Part("losses", "floats", "one mean log-loss per iteration"),
    ),
    order=(2, 0, 1),
    atol=FIT_ATOL,
    rtol=FIT_RTOL,
)


def _losses_as_list_or_array(fit, *, atol: float = FIT_ATOL) -> Produces:
    """A mistake whose fit is ``fit(*args)``, with its losses returned as a list or an array."""

    def as_array(*args):
        weights, intercept, losses = fit(*args)
        return weights, intercept, np.array(losses)

    return produces_close(fit, atol=atol, rtol=FIT_RTOL, also=(as_array,))


def _fit_like(**wrong) -> Produces:
    return _losses_as_list_or_array(functools.partial(_fit, **wrong))


def _summed_fit(*args):
    """The right fit, each loss a sum over the rows instead of a mean."""
    weights, intercept, losses = _reference_fit(*args)
    return weights, intercept, [loss * len(args[1]) for loss in losses]


def _toy_classification(seed: int, n: int, d: int, *, integer_labels: bool = False):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(0, 1, size=(n, d)), 3)
    logits = X @ rng.normal(0, 1.5, size=d) + 0.4
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logits))).astype(int)
    return X, (y if integer_labels else y.astype(float))


@functools.cache
def real_dataset() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's breast-cancer data (bundled, no download): three weakly separating
    features, standardised; y = 1 for a benign tumour. Not linearly separable."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    names = list(data.feature_names)
    columns = [names.index(f) for f in ("mean radius", "mean texture", "mean smoothness")]
    X = data.data[:, columns]
    return (X - X.mean(axis=0)) / X.std(axis=0), data.target.astype(float)


@functools.cache
def _sklearn_probabilities() -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    X, y = real_dataset()
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)  # no penalty
    return model.predict_proba(X)[:, 1]


SKLEARN_TOLERANCE = 1e-4


def _sklearn_probe() -> Probe:
    def run(call):
        X, y = real_dataset()
        parts, problem = FIT_RESULT.read(call(X, y, 2.0, 1500), (X.shape[1], None, 1500))
        if problem:
            return problem
        weights, intercept, _ = parts
        with np.errstate(all="ignore"):
            ours = _sigmoid(X @ weights + intercept)
        gap = float(np.max(np.abs(ours - _sklearn_probabilities())))
        if gap <= SKLEARN_TOLERANCE:
            return None
        return (
            f"gives probabilities up to {gap:.3g} away from scikit-learn's unpenalised "
            f"LogisticRegression (allowed: {SKLEARN_TOLERANCE:g})"
        )

    return Probe("agreement with scikit-learn on a real dataset after 1500 iterations", run)


def _monotone_probe() -> Probe:
    def run(call):
        X, y = _toy_classification(17, 80, 3)
        parts, problem = FIT_RESULT.read(call(X, y, 0.05, 300), (3, None, 300))
        if problem:
            return problem
        losses = parts[2]
        if not close(losses[0], math.log(2), atol=1e-9, rtol=0):
            return "should start from a loss of log(2) (all weights and the bias at zero)"
        rises = int(np.sum(np.diff(losses) > 1e-12))
        if rises:
            return f"recorded a loss that went up {rises} times at a small learning rate"
        return None

    return Probe("the loss never rises at a small learning rate", run)


@functools.cache
def _fit_hidden() -> tuple:
    return (
        Case((*_toy_classification(3, 60, 4), 0.1, 400), "60 rows, 4 features"),
        Case((*_toy_classification(4, 25, 1, integer_labels=True), 0.3, 200), "one feature"),
        Case((*_toy_classification(5, 40, 2), 0.1, 1), "a single iteration"),
        Case(
            (np.arange(12, dtype=float).reshape(6, 2) / 6, np.array([0, 1, 0, 1, 1, 0])), "defaults"
        ),
        _monotone_probe(),
        _sklearn_probe(),
    )


logistic_regression = NumericExercise(
    "logistic_regression",
    name="fit_logistic_regression",
    reference=_reference_fit,
    compare=FIT_RESULT,
    quiet=True,
    visible=lambda: (
        Case(
            (
                np.array(
                    [[0.5, 1.0], [1.5, -0.5], [-1.0, 0.3], [2.0, 1.2], [-0.7, -1.1], [0.1, 0.4]]
                ),
                np.array([1, 1, 0, 1, 0, 0]),
                0.1,
                50,
            ),
            "the six-row example (learning_rate=0.1, n_iterations=50)",
        ),
    ),
    hidden=_fit_hidden,
    prompt_rules=(
        PromptRule(
            "Start from zero weights and a zero bias",
            case="hidden case 1 (60 rows, 4 features)",
            bank="fail_starts_from_ones",
        ),
        PromptRule(
            "n_iterations steps of full-batch gradient descent",
            case="hidden case 1 (60 rows, 4 features)",
            bank="fail_stochastic_updates",
        ),
        PromptRule(
            "on the mean log-loss",
            case="the gradient is a sum, not a mean",
            bank="fail_gradient_not_divided_by_n",
        ),
        PromptRule(
            "p = sigmoid(X·w + b)",
            case="there is no bias term",
            bank="fail_no_bias_term",
        ),
        PromptRule(
            "record the mean log-loss",
            case="the losses are sums",
            bank="fail_summed_losses",
        ),
        PromptRule(
            "of the current parameters (before the step)",
            case="the losses are one step late",
            bank="fail_loss_recorded_after_update",
        ),
        PromptRule(
            "weights a float array of shape (d,)",
            case="hidden case 1 (60 rows, 4 features)",
            bank="fail_weights_column_vector",
        ),
        PromptRule(
            "bias a Python float",
            case="expected a Python float",
            bank="fail_returns_numpy_bias",
        ),
        PromptRule(
            "losses a list of n_iterations floats",
            case="one mean log-loss per iteration",
            bank="fail_only_final_loss",
        ),
        PromptRule(
            "Do not modify X or y", case="changed its input", bank="fail_standardises_X_in_place"
        ),
    ),
    mistakes=(
        Mistake(
            "there is no bias term: learn an intercept too (its gradient is the mean of p − y)",
            _fit_like(bias=False),
        ),
        Mistake(
            "looks like the gradient is a sum, not a mean: divide it by the number of rows",
            _fit_like(mean=False),
        ),
        Mistake(
            "the loss goes up: step against the gradient, weights = weights − learning_rate × "
            "gradient",
            _fit_like(sign=-1.0),
        ),
        Mistake(
            "the losses are one step late: record the loss of the parameters you compute the "
            "gradient with, so the first loss is log(2)",
            _fit_like(late=True),
        ),
        Mistake(
            "the losses are sums; record the MEAN log-loss",
            _losses_as_list_or_array(_summed_fit, atol=1e-6),
        ),
    ),
    hints=(
        "Start from zeros. Each iteration: z = X @ w + b, p = sigmoid(z), record the mean "
        "log-loss, then step w and b against the gradient.",
        "The gradient of the mean log-loss is X.T @ (p − y) / n for w and mean(p − y) for b.",
        "Record the loss before you update, so losses[0] is log(2); return (w, float(b), "
        "losses) and never change X or y.",
    ),
)


def _reference_sigmoid(z):
    return _sigmoid(z)


logistic_regression_sigmoid = NumericExercise(
    "logistic_regression_sigmoid",
    name="sigmoid",
    reference=_reference_sigmoid,
    atol=1e-12,
    rtol=1e-9,
    quiet=True,
    visible=(Case((np.array([-2.0, 0.0, 2.0]),)), Case((np.array([0.5]),))),
    hidden=(
        Case((np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 709.0, 1000.0]),), "very large |z|"),
        Case((np.linspace(-30, 30, 13).reshape(13, 1) * np.ones((1, 2)),), "a 2-D array"),
        Case((np.array([-1e3, 1e3, -1e3]),), "only extreme values"),
        Case((np.array([], dtype=float),), "an empty array"),
    ),
    prompt_rules=(
        PromptRule(
            "element-wise for a float array of any shape",
            case="hidden case 2 (a 2-D array)",
            bank="fail_sigmoid_flattens",
        ),
        PromptRule(
            "returning a new float array", case="changed its input", bank="fail_sigmoid_in_place"
        ),
        PromptRule(
            "no overflow warning",
            case="numpy warning on hidden case 1 (very large |z|)",
            bank="fail_naive_sigmoid_overflows",
        ),
        PromptRule(
            "no NaN for |z| up to 1000",
            case="the result is NaN for large z",
            bank="fail_sigmoid_nan_warnings_silenced",
        ),
    ),
    mistakes=(
        Mistake(
            "the result is NaN for large z: exp(z) / (1 + exp(z)) overflows; use "
            "1 / (1 + exp(-z)) where z >= 0",
            # grading only: the visible z are too small to overflow
            lambda args, result: type(result) is np.ndarray and bool(np.isnan(result).any()),
        ),
    ),
    hints=(
        "sigmoid(z) = 1 / (1 + exp(−z)), applied element-wise.",
        "exp(−z) overflows when z is very negative: for those z use the equivalent "
        "exp(z) / (1 + exp(z)).",
        "np.where evaluates BOTH branches (and warns); compute each branch only on its own "
        "elements with a boolean mask, into a new array.",
    ),
)


def _reference_predict(X, weights, bias):
    return _sigmoid(np.asarray(X, dtype=float) @ weights + bias)


def _labels(dtype: type):
    """Predicted classes (probability >= 0.5) instead of probabilities, as ``dtype``."""

    def wrong(X, weights, bias):
        return (_reference_predict(X, weights, bias) >= 0.5).astype(dtype)

    return wrong


logistic_regression_predict = NumericExercise(
    "logistic_regression_predict",
    name="predict_proba",
    reference=_reference_predict,
    atol=1e-12,
    rtol=1e-9,
    quiet=True,
    visible=(Case((np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]), np.array([0.4, -0.2]), 0.1)),),
    hidden=(
        Case(
            (np.array([[400.0, -100.0], [-400.0, 100.0]]), np.array([2.5, 1.5]), 0.0),
            "very large |z|",
        ),
        Case((np.array([[1.0, 1.0]]), np.array([0.0, 0.0]), -3.0), "only a bias"),
        Case((np.arange(12).reshape(4, 3), np.array([0.1, -0.2, 0.05]), 0.3), "integer X"),
    ),
    banned=("sklearn.linear_model:LogisticRegression",),
    prompt_rules=(
        PromptRule(
            "P(y = 1) = sigmoid(X·w + b) for each row",
            case="the bias is missing",
            bank="fail_predict_forgets_bias",
        ),
        PromptRule(
            "for each row",
            case="you returned class labels",
            bank="fail_predict_returns_labels",
        ),
        PromptRule(
            "an array of shape (n,)",
            case="expected shape (2,)",
            bank="fail_predict_two_columns",
        ),
        PromptRule(
            "like sigmoid, no overflow warning and no NaN",
            case="numpy warning on hidden case 1 (very large |z|)",
            bank="fail_predict_naive_exp",
        ),
        PromptRule(
            "with numpy (no scikit-learn)",
            case="asks you to compute it yourself",
            bank="fail_predict_with_sklearn",
        ),
    ),
    mistakes=(
        Mistake(
            "the bias is missing: z = X @ weights + bias",
            produces_close(lambda X, w, b: _reference_predict(X, w, 0.0), atol=1e-12, rtol=1e-9),
        ),
        Mistake(
            "you returned class labels; return the probability P(y = 1) of each row",
            produces_close(_labels(float), also=(_labels(int), _labels(bool))),
        ),
    ),
    hints=(
        "One probability per row: sigmoid of X @ weights + bias.",
        "Reuse your sigmoid; the result has shape (n_rows,), not (n_rows, 2).",
    ),
)

EXERCISES = (
    biased_coin,
    biased_coin_decision,
    fraud_posterior,
    poisson_rate_mle,
    bootstrap_median_ci,
    logistic_regression,
    logistic_regression_sigmoid,
    logistic_regression_predict,
    bias_variance,
)
