"""The adversarial corpus graded in one real batch beside honest learners.

One course copy holds two honest learners and every attack; a second copy holds the honest
learners alone. Each attack must end with its expected scores, and the honest learners'
grades must be the same in both batches.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
from attacks import FULL, NOTEBOOK, corpus, expected_scores
from traitlets.config.loader import PyFileConfigLoader

from autograder import cohort, notebooks
from autograder.api.grade import grade
from autograder.api.release import generate
from autograder.course import CONFIG_FILE, copy_configuration
from tests.keys import COURSE

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[2]
WEEK = "week01"
# Tight limits so the loops and bombs cost seconds, not minutes.
FAST_LIMITS = """
c.Execute.timeout = 8
c.ConfinedExecute.notebook_timeout = 60
c.ConfinedExecute.deadline_floor = 60
c.TrustedVerdicts.cell_timeout = 8
c.TrustedVerdicts.timeout = 60
c.ConfinedKernelManager.cpu_seconds = 60
c.TrustedVerdicts.cpu_seconds = 60
"""


class Listener:
    """A loopback server that records whether anything connected to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def stop(self):
        self.running = False
        self.thread.join()
        self.server.close()


def new_course(base: Path) -> Path:
    base.mkdir(parents=True)
    copy_configuration(ROOT, base)
    with (base / CONFIG_FILE).open("a", encoding="utf-8") as config:
        config.write(FAST_LIMITS)
    shutil.copytree(ROOT / "source", base / "source")
    generate(base, [WEEK])
    return base


def hand_in(course: Path, learner: str, files: dict[str, str]) -> Path:
    folder = course / "submitted" / learner / WEEK
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def honest_submissions(course: Path) -> dict[str, dict[str, str]]:
    """A learner with every answer right, and one with a wrong answer to sample_variance."""
    full, partial = {}, {}
    bank = cohort.answer_bank(COURSE, WEEK)
    for source in sorted((course / "source" / WEEK).glob("*.ipynb")):
        solved = notebooks.read(source)
        released = notebooks.read(course / "release" / WEEK / source.name)
        full[source.name] = notebooks.dumps(notebooks.normalize(solved))
        wrong = {}
        if "sample_variance" in cohort.answer_cells(released):
            wrong["sample_variance"] = bank["sample_variance"]["fail_population_variance"]
        answered = cohort.fill(solved, wrong) if wrong else solved
        partial[source.name] = notebooks.dumps(notebooks.normalize(answered))
    return {"honest_full": full, "honest_partial": partial}


def scores(report, learner: str, notebook: str = NOTEBOOK) -> dict[str, float]:
    """Auto-graded scores in one notebook (attackers hand in only the Python one)."""
    return {
        row["exercise"]: row["score"]
        for row in report.rows
        if row["student_id"] == learner
        and row["notebook"] == notebook.removesuffix(".ipynb")
        and not row["needs_manual_grade"]
        and row["max_score"]
    }


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def attacks(listener):
    return corpus(listener.port)


@pytest.fixture(scope="module")
def honest_alone(tmp_path_factory) -> dict:
    course = new_course(tmp_path_factory.mktemp("honest") / "course")
    for learner, files in honest_submissions(course).items():
        hand_in(course, learner, files)
    report = grade(root=course, assignments=[WEEK])
    return {learner: scores(report, learner) for learner in ("honest_full", "honest_partial")}


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory, attacks) -> dict:
    course = new_course(tmp_path_factory.mktemp("mixed") / "course")
    honest = honest_submissions(course)
    for learner, files in honest.items():
        hand_in(course, learner, files)
    solution = json.loads(honest["honest_full"][NOTEBOOK])
    for attack in attacks:
        folder = course / "submitted" / f"attack_{attack.id}" / WEEK
        folder.mkdir(parents=True)
        if attack.raw:
            attack.raw(folder, solution)
        else:
            nb = attack.edit(json.loads(json.dumps(solution)))
            (folder / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")
    submitted = {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()}
    report = grade(root=course, assignments=[WEEK])
    return {"course": course, "report": report, "submitted": submitted}


def test_the_corpus_is_large_and_named_uniquely(attacks):
    assert len(attacks) >= 25
    assert len({a.id for a in attacks}) == len(attacks)


@pytest.mark.parametrize("attack_id", [attack.id for attack in corpus(network_port=0)])
def test_attack_gets_its_expected_score(mixed_batch, attacks, attack_id):
    attack = next(a for a in attacks if a.id == attack_id)
    report = mixed_batch["report"]
    learner = f"attack_{attack.id}"
    got = scores(report, learner)
    failures = [why for student, _, why in report.failures if student == learner]
    if attack.failure:
        assert failures and all(why.strip() for why in failures), (
            "an unusable notebook needs a reason"
        )
        assert not any(got.values()), got
    else:
        assert not failures, failures
        assert got == {k: float(v) for k, v in expected_scores(attack).items()}, attack.what


def graded_outputs(course: Path, learner: str) -> str:
    """Everything the graded notebook's cells printed or raised, as one text."""
    graded = course / "autograded" / learner / WEEK / NOTEBOOK
    return "\n".join(
        output.get("text", "") + output.get("ename", "") + ": " + output.get("evalue", "")
        for cell in notebooks.read(graded).cells
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize(
    "attack_id", [attack.id for attack in corpus(network_port=0) if attack.shows]
)
def test_attack_is_refused_in_the_graded_output(mixed_batch, attacks, attack_id):
    """Scoring nothing is not enough: the grader must have said no, with the reason."""
    attack = next(a for a in attacks if a.id == attack_id)
    text = graded_outputs(mixed_batch["course"], f"attack_{attack.id}")
    assert re.search(attack.shows, text, re.DOTALL), text[-3000:]


def test_honest_learners_are_unaffected_by_the_attackers(mixed_batch, honest_alone):
    for learner, alone in honest_alone.items():
        assert scores(mixed_batch["report"], learner) == alone
        graded = mixed_batch["course"] / "autograded" / learner / WEEK / NOTEBOOK
        assert len(json.loads(graded.read_text(encoding="utf-8"))["cells"]) > 10, graded
    assert honest_alone["honest_full"]["sample_variance"] == FULL["sample_variance"]
    assert honest_alone["honest_partial"]["sample_variance"] < FULL["sample_variance"]


def test_submissions_are_never_modified(mixed_batch):
    for path, content in mixed_batch["submitted"].items():
        assert path.read_bytes() == content, f"{path} changed during grading"


def test_the_batch_was_graded_with_warm_starts(mixed_batch):
    """Every attack above met kernels and verdict workers forked from the template."""
    loaded = PyFileConfigLoader(CONFIG_FILE, path=str(mixed_batch["course"])).load_config()
    assert loaded.ConfinedKernelManager.warm is True
    assert loaded.TrustedVerdicts.warm is True


def test_nothing_reached_the_network(mixed_batch, listener):
    assert listener.connections == 0


def test_a_wedged_kernel_costs_seconds_not_the_notebook_deadline(mixed_batch):
    """A regression guard, not a benchmark: without the watch for a kernel that stopped
    answering, every later cell waits out its time limit until the notebook's deadline
    (60 s here), so this bound is generous for the few seconds it takes."""
    timing = next(
        t for t in mixed_batch["report"].timings if t["student"] == "attack_wedged_kernel"
    )
    assert timing["seconds"] < 45
    graded = mixed_batch["course"] / "autograded" / "attack_wedged_kernel" / WEEK / NOTEBOOK
    errors = [
        output.get("evalue", "")
        for cell in json.loads(graded.read_text(encoding="utf-8"))["cells"]
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert any("stopped answering" in error for error in errors), errors


def test_huge_output_is_capped_in_bytes(mixed_batch):
    graded = mixed_batch["course"] / "autograded" / "attack_huge_output" / WEEK / NOTEBOOK
    assert graded.stat().st_size < 3_000_000


def test_no_deleted_test_is_left_for_manual_grading(mixed_batch):
    rows = [
        row
        for row in mixed_batch["report"].rows
        if row["student_id"].startswith("attack_") and row["needs_manual_grade"]
    ]
    manual = {row["exercise"] for row in rows}
    assert manual <= {"merge_sorted_complexity"}, manual


def test_repairs_are_reported(mixed_batch):
    notes = {(student, note) for student, _, note in mixed_batch["report"].notes}
    assert any(s == "attack_renamed_notebook" and "renamed" in n for s, n in notes)
    assert any(s == "attack_second_notebook" and "scratch.ipynb" in n for s, n in notes)
    assert any(s == "attack_stripped_metadata" and "by its place" in n for s, n in notes)
