"""Benchmark: a synthetic cohort graded by plain sequential nbgrader and by the parallel grader.

    python benchmarks/grade_cohort.py [--learners 40] [--workers 2] [--weeks week01 week02]
                                      [--scheduler local:2 | --scheduler tcp://HOST:PORT]

Builds a throwaway course with ``--learners`` learners handing in every week that exists
(each exercise answered at random, seeded: the reference answer, an alternative correct or a
plausible wrong answer from the answer bank, or left blank), then grades two identical
copies:

1. ``nbgrader autograde WEEK`` for each week, one after another (stock nbgrader, one
   process, submissions in turn; the course's nbgrader_config.py applies);
2. ``autograder grade --workers N`` (long-lived worker processes, one gradebook writer);
3. with ``--scheduler``, also ``autograder grade --scheduler ...`` on a third copy: the same
   grading on a Dask cluster (``local:N`` starts N single-threaded workers on this machine as
   part of the timed run; a ``tcp://`` address uses a cluster already running).

It checks that every grade cell of every learner scores the same in each grader's gradebook
as in sequential nbgrader's (a cell that differs is graded three more times sequentially, to
tell an answer that is itself random, such as an unseeded bootstrap, from a fault of the
grader), then prints wall time of each, the ratios, seconds per notebook, and the peak
resident memory of each worker process (alone, and with the kernels and checkers it starts).
With ``--scheduler`` it also prints what the cluster adds per notebook over the pool, and the
part of it paid once per batch (starting or reaching the cluster, placing the course on its
workers). Memory is sampled from /proc every 0.2 s, so very short peaks can be missed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import cohort, notebooks  # noqa: E402
from autograder.api.release import generate  # noqa: E402
from autograder.course import (  # noqa: E402
    Course,
    CourseError,
    copy_configuration,
    source_assignments,
)

LOCAL = "local:"  # as autograder.api.cluster.LOCAL (imported lazily: Dask is an extra)


def build(course: Path, weeks: list[str], learners: int, seed: int) -> int:
    """Write the cohort into ``course``/submitted; returns the number of notebooks."""
    copy_configuration(ROOT, course)
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copytree(ROOT / cohort.ANSWER_BANK, course / cohort.ANSWER_BANK)
    generate(course, weeks)
    count = 0
    for week in weeks:
        bank = cohort.answer_bank(course, week)
        for source in sorted((course / "source" / week).glob("*.ipynb")):
            released = notebooks.read(course / "release" / week / source.name)
            solution = cohort.solutions(notebooks.read(source))
            for n in range(learners):
                rng = random.Random(f"{seed}-{n}-{week}-{source.name}")
                answers = {}
                for exercise, text in solution.items():
                    options = sorted(bank.get(exercise, {}).items())
                    roll = rng.random()
                    if roll < 0.45:
                        answers[exercise] = text
                    elif roll < 0.85 and options:
                        answers[exercise] = rng.choice(options)[1]
                    # else: left blank
                target = course / "submitted" / f"learner{n:03d}" / week / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                notebooks.write_normalized(cohort.fill(released, answers), target)
                count += 1
    return count


def cells(course: Path) -> dict:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = (submission.student.id, assignment.name, notebook.name, grade.name)
                        found[key] = (grade.auto_score, grade.needs_manual_grade)
    return found


def regrade(course: Path, key: tuple, scratch: Path, times: int = 3) -> list:
    """Grade one learner's week ``times`` more times, one after another: is the grade stable?

    A submission whose own answer is random (say, unseeded) can score differently on every
    run, whatever the grader; such a difference says nothing about the parallel grader.
    """
    from autograder.api.grade import grade

    learner, week, notebook, cell = key
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(course, scratch, ignore=shutil.ignore_patterns("autograded", ".intake"))
    for other in (scratch / "submitted").iterdir():
        if other.name != learner:
            shutil.rmtree(other)
    found = []
    for _ in range(times):
        grade(root=scratch, assignments=[week], resume=False)
        found.append(cells(scratch).get(key))
    return found


class MemorySampler:
    """Peak RSS of each direct child of ``pid`` (a worker), alone and with its descendants."""

    def __init__(self, pid: int):
        self.pid, self.alone, self.tree = pid, {}, {}
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    @staticmethod
    def _rss_mb(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def _run(self):
        while self.running:
            for child in self._children(self.pid):
                alone = self._rss_mb(child)
                total, todo = alone, self._children(child)
                while todo:
                    grandchild = todo.pop()
                    total += self._rss_mb(grandchild)
                    todo += self._children(grandchild)
                self.alone[child] = max(self.alone.get(child, 0.0), alone)
                self.tree[child] = max(self.tree.get(child, 0.0), total)
            time.sleep(0.2)

    def stop(self):
        self.running = False
        self.thread.join()


def timed(command: list[str], cwd: Path, sample: bool = False):
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sampler = MemorySampler(process.pid) if sample else None
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    if sampler:
        sampler.stop()
    if process.returncode not in (0, 1):  # 1: some learner failed, reported in the gradebook
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-3000:]}")
    return seconds, sampler


def cluster_workers(scheduler: str) -> int:
    """How many submissions the cluster grades at once (the grader keeps one per worker)."""
    if scheduler.startswith(LOCAL):
        return int(scheduler[len(LOCAL) :])
    from autograder.api.cluster import connect

    with connect(scheduler) as client:
        return len(client.nthreads())


def cluster_setup(course: Path, scheduler: str, weeks: list[str]) -> float:
    """Seconds to start (or reach) the cluster, place the course on it and let go: what a
    batch pays once, whatever its size."""
    from autograder.api.cluster import connect, placed
    from autograder.api.pool import cleanup, prepare
    from autograder.course import nbgrader_api

    coursedir = nbgrader_api(course).coursedir
    prepare(course, coursedir.db_url, coursedir.course_id)  # the pool pays this too: not timed
    try:
        start = time.perf_counter()
        with connect(scheduler) as client, placed(client, Course.load(course), weeks):
            pass
        return time.perf_counter() - start
    finally:
        cleanup(course)


def compare(sequential: Path, graded: Path, name: str, scratch: Path) -> bool:
    """Print whether ``graded`` scored every cell as sequential nbgrader; False if a
    difference is not explained by an answer whose grade varies between runs."""
    expected, got = cells(sequential), cells(graded)
    differing = sorted(k for k in set(expected) | set(got) if expected.get(k) != got.get(k))
    print(
        f"{name} scores identical: {expected == got} ({len(expected)} grade cells, "
        f"{len({k[0] for k in expected})} learners)"
    )
    unexplained = []
    for key in differing[:10]:
        runs = regrade(sequential, key, scratch)
        why = "its grade varies between sequential runs too" if len(set(runs)) > 1 else ""
        print(
            f"  differs: {key}: sequential {expected.get(key)} {name} {got.get(key)}; "
            f"3 more sequential gradings: {runs} {why}"
        )
        if not why:
            unexplained.append(key)
    return not unexplained and len(differing) <= 10


def check_scheduler(parser: argparse.ArgumentParser, scheduler: str | None) -> None:
    if scheduler is None:
        return
    if scheduler.startswith(LOCAL):
        count = scheduler[len(LOCAL) :]
        if not count.isdigit() or int(count) < 1:
            parser.error(f"--scheduler {scheduler}: local:N needs a number of workers >= 1")
    elif "://" not in scheduler:
        parser.error(
            f"--scheduler {scheduler}: give the scheduler's address (tcp://HOST:PORT) or local:N"
        )
    try:
        import distributed  # noqa: F401
    except ImportError:
        parser.error("--scheduler needs Dask: pip install 'ds-interview-loop[cluster]'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--weeks", nargs="*", default=None, help="default: every week in source/")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scheduler",
        default=None,
        help="also grade on a Dask cluster: local:N (N workers here) or tcp://HOST:PORT",
    )
    parser.add_argument("--keep", action="store_true", help="keep the graded courses")
    args = parser.parse_args()
    if args.workers < 1 or args.learners < 1:
        parser.error("--workers and --learners need a number >= 1")
    check_scheduler(parser, args.scheduler)
    # a tcp:// cluster is reached before the long sequential run: a wrong address fails now
    try:
        distributed_workers = cluster_workers(args.scheduler) if args.scheduler else 0
    except CourseError as error:
        parser.error(str(error))
    weeks = args.weeks or source_assignments(ROOT)
    base = Path(tempfile.mkdtemp(prefix="grade-cohort-"))
    try:
        sequential, parallel = base / "sequential", base / "parallel"
        on_cluster = base / "distributed"
        sequential.mkdir()
        count = build(sequential, weeks, args.learners, args.seed)
        shutil.copytree(sequential, parallel)
        if args.scheduler:
            shutil.copytree(sequential, on_cluster)
        print(
            f"cohort: {args.learners} learners x {', '.join(weeks)} = {count} notebooks",
            flush=True,
        )

        nbgrader = shutil.which("nbgrader") or "nbgrader"
        seq_seconds = 0.0
        for week in weeks:
            seconds, _ = timed([nbgrader, "autograde", week, "--force"], sequential)
            seq_seconds += seconds
        print(f"sequential `nbgrader autograde`: {seq_seconds:7.1f} s", flush=True)

        command = [sys.executable, "-m", "autograder.cli.main", "grade"]
        par_seconds, sampler = timed(
            [*command, "--workers", str(args.workers), "--fresh", *weeks], parallel, sample=True
        )
        print(f"`autograder grade --workers {args.workers}`: {par_seconds:7.1f} s", flush=True)
        dist_seconds, cluster_sampler = 0.0, None
        if args.scheduler:
            dist_seconds, cluster_sampler = timed(
                [*command, "--scheduler", args.scheduler, "--fresh", *weeks],
                on_cluster,
                sample=True,
            )
            print(
                f"`autograder grade --scheduler {args.scheduler}` "
                f"({distributed_workers} workers): {dist_seconds:7.1f} s",
                flush=True,
            )

        scratch = base / "scratch"
        ok = compare(sequential, parallel, "parallel", scratch)
        if args.scheduler:
            ok = compare(sequential, on_cluster, "distributed", scratch) and ok
        print(f"ratio sequential / parallel: {seq_seconds / par_seconds:.2f}")
        if args.scheduler:
            print(f"ratio sequential / distributed: {seq_seconds / dist_seconds:.2f}")
        print(
            f"seconds per notebook: sequential {seq_seconds / count:.2f}, "
            f"parallel {par_seconds / count:.2f} wall "
            f"({par_seconds * args.workers / count:.2f} worker-seconds)"
            + (
                f", distributed {dist_seconds / count:.2f} wall "
                f"({dist_seconds * distributed_workers / count:.2f} worker-seconds)"
                if args.scheduler
                else ""
            )
        )
        if args.scheduler:
            setup = cluster_setup(on_cluster, args.scheduler, weeks)
            added = dist_seconds * distributed_workers - par_seconds * args.workers
            print(
                f"the cluster adds {(dist_seconds - par_seconds) / count:+.2f} s wall per "
                f"notebook over the pool ({added / count:+.2f} worker-seconds); "
                f"once per batch it pays {setup:.1f} s to start or reach the cluster and "
                f"place the course ({setup / count:.2f} s per notebook of this cohort)"
            )
        workers = sorted(sampler.alone, key=lambda pid: -sampler.tree[pid])[: args.workers]
        for pid in workers:
            print(
                f"peak memory of worker {pid}: {sampler.alone[pid]:.0f} MB alone, "
                f"{sampler.tree[pid]:.0f} MB with its kernel and checker"
            )
        if cluster_sampler and cluster_sampler.tree:  # local:N: nannies are the children
            trees = sorted(cluster_sampler.tree.values(), reverse=True)[:distributed_workers]
            print(
                "peak memory of each local Dask worker (nanny, worker, kernel and checker): "
                + ", ".join(f"{mb:.0f} MB" for mb in trees)
            )
        if not ok:
            raise SystemExit(1)
    finally:
        if args.keep:
            print(f"courses kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
