"""nbgrader's exchange round trip entirely through a real course server (autograder.exchange).

The instructor releases week01 with ``nbgrader release_assignment``; two learners, each in
their own home set up with ``autograder learner-setup --server URL --token TOKEN``, fetch it
with ``nbgrader fetch_assignment``, answer it (ann right, bob wrong, from the answer bank),
``nbgrader submit`` it and ``nbgrader fetch_feedback`` the verdicts the server graded on
arrival. The instructor ``nbgrader collect``s into a second copy of the course (as on another
machine), releases feedback, and ``nbgrader export`` on the served course has the scores.
Every command is nbgrader's own, run unchanged as a subprocess; no exchange folder exists.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import (
    ExchangeFetchAssignment,
    ExchangeList,
    ExchangeReleaseAssignment,
    ExchangeSubmit,
)
from traitlets.config import Config

from autograder import cohort, notebooks
from autograder.api.feedback import HIDDEN_NOTICE
from autograder.exchange.files import UnsafeArchive, ZipFromServer, write_file
from autograder.learner_server import HTTP_EXCHANGE
from tests.keys import COURSE
from tests.server.serving import ROOT, WEEK, add_token, call, make_course, start_server

pytestmark = pytest.mark.pipeline

COURSE_ID = "ds-interview-loop"
LEARNERS = ("ann", "bob")
NOTEBOOKS = ["python_fundamentals.ipynb", "sql_fundamentals.ipynb"]
INSTRUCTOR_COMMENT = "Come and see me about the sample variance."
SELECT_HTTP_EXCHANGE = "\n".join(
    f"c.ExchangeFactory.{step} = {name!r}" for step, name in HTTP_EXCHANGE.items()
)


def solution_points() -> float:
    points = 0.0
    for path in sorted((ROOT / "source" / WEEK).glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            meta = notebooks.nbgrader_meta(cell)
            if meta.get("grade") and not meta.get("solution"):
                points += float(meta["points"])
    return points


def hidden_test_lines() -> list[str]:
    """Every code line inside a hidden-test region of the week's source notebooks."""
    found = []
    for path in sorted((ROOT / "source" / WEEK).glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line:
                    inside = False
                elif inside and line.strip():
                    found.append(line.strip())
    assert found, "the week has hidden tests"
    return found


def visible_text(page: str) -> str:
    """What a reader of the HTML sees: tags (syntax highlighting) removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def answers_for(learner: str, source: Path) -> dict[str, str]:
    solution = cohort.solutions(notebooks.read(source))
    if learner == "ann":
        return solution
    bank = cohort.answer_bank(COURSE, WEEK)  # bob: a plausible wrong answer wherever there is one
    return {
        exercise: next(text for name, text in sorted(answers.items()) if name.startswith("fail_"))
        for exercise, answers in bank.items()
        if exercise in solution and any(n.startswith("fail_") for n in answers)
    }


def clean_env(home: Path | None = None, **extra: str) -> dict[str, str]:
    """This process's environment without any server, token or Jupyter folders of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTOGRADER_", "JUPYTER_", "XDG_CONFIG_HOME"))
    }
    if home is not None:
        env["HOME"] = str(home)
    env.update(extra)
    return env


def nbgrader(cwd: Path, env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def assignments_tab(home: Path, env: dict) -> dict:
    """What nbgrader's Assignments tab gets: its own server-extension code, run in ``home``."""
    code = (
        "import json, logging\n"
        "from nbgrader.server_extensions.assignment_list.handlers import AssignmentList\n"
        "manager = AssignmentList(log=logging.getLogger('tab'))\n"
        "manager.root_dir = '.'\n"
        f"print(json.dumps(manager.list_assignments(course_id={COURSE_ID!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=home, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    base = tmp_path_factory.mktemp("http_exchange")
    course = make_course(base)
    # the instructor's second copy, as on another machine: no learners, no server state
    elsewhere = base / "elsewhere"
    shutil.copytree(course, elsewhere)
    for folder in (course, elsewhere):
        with (folder / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write("\n" + SELECT_HTTP_EXCHANGE + "\n")
    instructor = add_token(course, "teacher", instructor=True)
    tokens = {learner: add_token(course, learner) for learner in LEARNERS}
    server = start_server(course, "--released-only")
    try:
        yield run_trip(base, course, elsewhere, server, instructor, tokens)
    finally:
        server.stop()


def run_trip(base, course, elsewhere, server, instructor, tokens) -> dict:
    teach = clean_env(AUTOGRADER_SERVER=server.url, AUTOGRADER_TOKEN=instructor)
    homes = {learner: base / "home" / learner for learner in LEARNERS}
    envs = {}
    for learner, home in homes.items():
        (home / ".jupyter").mkdir(parents=True)
        envs[learner] = clean_env(home)
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "learner-setup"]
            + ["--config-dir", str(home / ".jupyter")]
            + ["--server", server.url, "--token", tokens[learner]],
            env=envs[learner],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        # what a learner's course folder says: which course, and to wait for verdicts
        (home / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            "c.HttpFetchFeedback.wait = 600\n",
            encoding="utf-8",
        )
    out = {"course": course, "elsewhere": elsewhere, "homes": homes, "server": server}
    out["tokens"] = tokens
    out["before_release"] = nbgrader(homes["ann"], envs["ann"], "list").stderr
    out["release"] = nbgrader(course, teach, "release_assignment", WEEK).stderr
    out["refusals"] = refusals(base, homes["ann"], envs["ann"])
    out["list"] = {}
    for learner, home in homes.items():
        out["list"][learner] = nbgrader(home, envs[learner], "list").stderr
        nbgrader(home, envs[learner], "fetch_assignment", WEEK)
        out.setdefault("fetched", {})[learner] = sorted(
            p.relative_to(home / WEEK).as_posix() for p in (home / WEEK).rglob("*") if p.is_file()
        )
        for source in sorted((course / "source" / WEEK).glob("*.ipynb")):
            fetched = home / WEEK / source.name
            filled = cohort.fill(notebooks.read(fetched), answers_for(learner, source))
            notebooks.write_normalized(filled, fetched)
        out.setdefault("submit", {})[learner] = nbgrader(home, envs[learner], "submit", WEEK).stderr
    for learner, home in homes.items():
        out.setdefault("fetch_feedback", {})[learner] = nbgrader(
            home, envs[learner], "fetch_feedback", WEEK
        ).stderr
        out.setdefault("feedback", {})[learner] = sorted(
            (home / WEEK / "feedback").glob("*/*.html")
        )
        out.setdefault("cached", {})[learner] = nbgrader(
            home, envs[learner], "list", "--cached"
        ).stderr
        out.setdefault("tab", {})[learner] = assignments_tab(home, envs[learner])
    out["collect"] = nbgrader(elsewhere, teach, "collect", WEEK).stderr
    out["collect_again"] = nbgrader(elsewhere, teach, "collect", WEEK).stderr
    out["inbound"] = nbgrader(course, teach, "list", "--inbound").stderr
    export = base / "export.csv"
    nbgrader(course, clean_env(), "export", "--to", str(export))
    out["export"] = export
    # the instructor's own feedback (a comment added), released through the server, replaces
    # the on-arrival feedback for the learner's next fetch
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook("python_fundamentals", WEEK, "bob")
        notebook.comments[0].manual_comment = INSTRUCTOR_COMMENT
        gradebook.db.commit()
    nbgrader(course, clean_env(), "generate_feedback", WEEK)
    out["release_feedback"] = nbgrader(course, teach, "release_feedback", WEEK).stderr
    out["tab_after_release"] = assignments_tab(homes["bob"], envs["bob"])
    nbgrader(homes["bob"], envs["bob"], "fetch_feedback", WEEK)
    out["tab_after_refetch"] = assignments_tab(homes["bob"], envs["bob"])
    return out


def refusals(base: Path, home: Path, env: dict) -> dict[str, subprocess.CompletedProcess]:
    """Commands that must fail with one clear sentence (and a non-zero exit)."""
    nobody = base / "nobody"  # nbgrader configured for the HTTP exchange, no server saved
    nobody.mkdir()
    (nobody / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
        + SELECT_HTTP_EXCHANGE
        + "\n",
        encoding="utf-8",
    )
    return {
        "wrong token": nbgrader(home, {**env, "AUTOGRADER_TOKEN": "not-a-token"}, "list", ok=False),
        "unknown assignment": nbgrader(home, env, "fetch_assignment", "week99", ok=False),
        "learner releasing": nbgrader(home, env, "release_assignment", WEEK, ok=False),
        "no server": nbgrader(nobody, clean_env(nobody), "list", ok=False),
    }


def test_release_is_what_learners_can_list(trip):
    assert "Released as: ds-interview-loop week01" in trip["release"]
    assert "ds-interview-loop week01" not in trip["before_release"]
    for learner in LEARNERS:
        assert "ds-interview-loop week01" in trip["list"][learner]


def test_refusals_are_one_clear_sentence(trip):
    expected = {
        "wrong token": "The course server refused the token: this token is not valid",
        "unknown assignment": "Assignment week99 is not released on the course server "
        "(released: week01).",
        "learner releasing": "The course server answered 403: only an instructor's token may",
        "no server": "No course server is set: run `autograder learner-setup --server URL",
    }
    for case, sentence in expected.items():
        done = trip["refusals"][case]
        assert done.returncode != 0, case
        assert sentence in done.stderr, (case, done.stderr)
        assert "Traceback" not in done.stderr, case


def test_learners_fetch_the_released_files_and_no_key(trip):
    released = sorted(
        p.relative_to(trip["course"] / "release" / WEEK).as_posix()
        for p in (trip["course"] / "release" / WEEK).rglob("*")
        if p.is_file()
    )
    for learner in LEARNERS:
        assert trip["fetched"][learner] == released
        assert not any(Path(name).name.startswith("key") for name in released)


def test_submissions_are_graded_on_arrival_and_feedback_fetched(trip):
    for learner in LEARNERS:
        assert "Submitted as: ds-interview-loop week01" in trip["submit"][learner]
        pages = trip["feedback"][learner]
        assert [p.name for p in pages] == ["python_fundamentals.html", "sql_fundamentals.html"]
        assert "Fetched feedback" in trip["fetch_feedback"][learner]
    ann = "".join(visible_text(p.read_text()) for p in trip["feedback"]["ann"])
    bob = "".join(visible_text(p.read_text()) for p in trip["feedback"]["bob"])
    assert "✓" in ann and "CheckFailed" not in ann
    assert "CheckFailed:" in bob  # the hidden verdicts are shown ...
    assert HIDDEN_NOTICE.lstrip("# ") in bob


def test_feedback_holds_no_hidden_test_code(trip):
    lines = hidden_test_lines()
    for learner in LEARNERS:
        for page in trip["feedback"][learner]:
            text = visible_text(page.read_text())
            for line in lines:  # ... but never the hidden tests themselves
                assert line not in text, (learner, page.name, line)
            assert "HIDDEN TESTS" not in text and "check_hidden" not in text


def test_the_assignments_tab_sees_the_fetched_assignment_and_each_own_submission(trip):
    for learner in LEARNERS:
        tab = trip["tab"][learner]
        assert tab["success"], tab
        fetched, submitted = tab["value"]
        assert fetched["status"] == "fetched" and fetched["path"] == WEEK
        assert fetched["course_id"] == COURSE_ID and fetched["assignment_id"] == WEEK
        assert [n["path"] for n in fetched["notebooks"]] == [f"{WEEK}/{n}" for n in NOTEBOOKS]
        assert submitted["status"] == "submitted" and submitted["student_id"] == learner
        (only,) = submitted["submissions"]
        assert only["has_local_feedback"] and only["has_exchange_feedback"]
        assert not only["feedback_updated"]
        assert only["local_feedback_path"] == f"{WEEK}/feedback/{only['timestamp']}"
        assert (trip["homes"][learner] / only["local_feedback_path"]).is_dir()
        assert [n["notebook_id"] for n in only["notebooks"]] == [Path(n).stem for n in NOTEBOOKS]
        assert "(feedback already fetched)" in trip["cached"][learner]


def test_a_learner_never_sees_another_learners_submissions_or_feedback(trip):
    stamps = {
        learner: {s["timestamp"] for s in trip["tab"][learner]["value"][1]["submissions"]}
        for learner in LEARNERS
    }
    assert stamps["ann"].isdisjoint(stamps["bob"])
    for learner, other in (("ann", "bob"), ("bob", "ann")):
        folders = {p.parent.name for p in trip["feedback"][learner]}
        assert folders == stamps[learner]
        assert f" {other} " not in trip["cached"][learner]
    # and asking the server directly for the other's feedback is a 404
    theirs = call(
        trip["server"], "GET", f"/api/submissions?assignment={WEEK}", token=trip["tokens"]["ann"]
    )
    (ann_submission,) = theirs.json["submissions"]
    reply = call(
        trip["server"],
        "GET",
        f"/api/submissions/{ann_submission['id']}/feedback",
        token=trip["tokens"]["bob"],
    )
    assert reply.status == 404


def test_collect_lands_in_submitted_and_the_gradebook(trip):
    assert "Collecting submission: ann week01" in trip["collect"]
    assert "Submission already exists, use --update to update" in trip["collect_again"]
    elsewhere = trip["elsewhere"]
    for learner in LEARNERS:
        collected = elsewhere / "submitted" / learner / WEEK
        served = trip["course"] / "submitted" / learner / WEEK
        assert sorted(p.name for p in collected.iterdir()) == [*NOTEBOOKS, "timestamp.txt"]
        for name in [*NOTEBOOKS, "timestamp.txt"]:
            assert (collected / name).read_bytes() == (served / name).read_bytes()
        handed_in = trip["homes"][learner] / WEEK
        for name in NOTEBOOKS:
            assert json.loads((collected / name).read_text()) == json.loads(
                (handed_in / name).read_text()
            )
    with Gradebook(f"sqlite:///{elsewhere / 'gradebook.db'}", COURSE_ID) as gradebook:
        assert sorted(s.id for s in gradebook.students) == sorted(LEARNERS)


def test_inbound_lists_every_learners_attempt_for_the_instructor(trip):
    for learner in LEARNERS:
        assert f"ds-interview-loop {learner} week01" in trip["inbound"]


def test_export_has_the_scores_the_answers_deserve(trip):
    with trip["export"].open() as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == WEEK}
    assert sorted(rows) == sorted(LEARNERS)
    points = solution_points()
    assert float(rows["ann"]["raw_score"]) == points
    assert 0 <= float(rows["bob"]["raw_score"]) < points / 2


def test_released_instructor_feedback_is_offered_again_and_fetched(trip):
    assert "Feedback released for ds-interview-loop week01" in trip["release_feedback"]
    before = trip["tab_after_release"]["value"][1]["submissions"][0]
    after = trip["tab_after_refetch"]["value"][1]["submissions"][0]
    instructor_page = trip["course"] / "feedback" / "bob" / WEEK / "python_fundamentals.html"
    fetched_page = trip["homes"]["bob"] / after["local_feedback_path"] / "python_fundamentals.html"
    assert fetched_page.read_bytes() == instructor_page.read_bytes()
    assert INSTRUCTOR_COMMENT in visible_text(fetched_page.read_text())
    assert sorted(p.name for p in fetched_page.parent.iterdir()) == [
        "python_fundamentals.html",
        "sql_fundamentals.html",
    ]
    assert before["has_local_feedback"] and before["feedback_updated"]
    assert not after["feedback_updated"]


def test_no_exchange_folder_and_nothing_world_writable(trip):
    for root in (trip["course"], trip["elsewhere"], *trip["homes"].values()):
        assert not (root / ".exchange").exists()
        for path in [root, *root.rglob("*")]:
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            assert not mode & stat.S_IWOTH, (path, oct(stat.S_IMODE(mode)))
    assert not Path("/usr/local/share/nbgrader/exchange").exists()
    for learner, home in trip["homes"].items():
        saved = home / ".config" / "ds-interview-loop" / "server.json"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600, learner


def test_dicts_have_the_keys_of_nbgraders_own_exchange(trip, tmp_path):
    """The default exchange's list of the same steps, in a folder of its own, for comparison."""
    config = Config()
    config.CourseDirectory.root = str(trip["course"])
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.assignment_id = WEEK
    config.Exchange.root = str(tmp_path / "exchange")
    config.Exchange.assignment_dir = str(tmp_path / "home")
    config.Exchange.cache = str(tmp_path / "cache")
    (tmp_path / "home").mkdir()

    def run(kind, **traits):
        coursedir = CourseDirectory(config=config)
        app = kind(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
        for name, value in traits.items():
            setattr(app, name, value)
        return app.start()

    run(ExchangeReleaseAssignment)
    released = run(ExchangeList)
    run(ExchangeFetchAssignment)
    fetched = run(ExchangeList)
    run(ExchangeSubmit)
    cached = run(ExchangeList, cached=True)
    ours = trip["tab"]["ann"]["value"]
    assert set(ours[0]) == set(fetched[0]) and fetched[0]["status"] == "fetched"
    assert set(ours[0]["notebooks"][0]) == set(fetched[0]["notebooks"][0])
    assert set(released[0]) == set(fetched[0])
    assert set(ours[1]) == set(cached[0])
    assert set(ours[1]["submissions"][0]) == set(cached[0]["submissions"][0])
    assert set(ours[1]["submissions"][0]["notebooks"][0]) == set(
        cached[0]["submissions"][0]["notebooks"][0]
    )


def _zip(*members: tuple[str, bytes], link: str | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("archive", "why"),
    [
        (lambda: _zip(("../outside.ipynb", b"{}")), "not a path inside"),
        (lambda: _zip(("/etc/cron.d/x", b"{}")), "not a path inside"),
        (lambda: _zip(("week01/ok.ipynb", b"{}"), link="week01/data"), "is a link"),
        (lambda: _zip(("big.ipynb", b"x" * 2048)), "more than 1000 bytes"),
        (lambda: io.BytesIO(b"<html>proxy error</html>"), "not a zip archive"),
    ],
)
def test_a_zip_that_would_write_outside_its_folder_is_refused(archive, why):
    with pytest.raises(UnsafeArchive, match=why):
        ZipFromServer(archive(), limit=1000)


def test_files_written_are_never_writable_by_others(tmp_path):
    previous = os.umask(0)  # the most permissive umask a learner could have
    try:
        write_file(tmp_path / "a" / "b" / "nb.ipynb", b"{}")
    finally:
        os.umask(previous)
    for path in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "nb.ipynb"):
        assert not path.stat().st_mode & (stat.S_IWOTH | stat.S_IWGRP), path
