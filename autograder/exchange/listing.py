"""``nbgrader list`` and the Assignments tab, answered by the course server.

The dicts are those of nbgrader's default ``ExchangeList`` (nbgrader/exchange/default/list.py),
key for key, since the Assignments tab reads them: released or fetched assignments, and the
caller's submissions grouped per assignment, each with its timestamp and feedback flags.
Where the default points into the shared exchange folder, ``path`` here is the server's URL.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from pathlib import Path

from nbgrader.exchange.abc import ExchangeList

from autograder.exchange.base import HttpExchange
from autograder.exchange.learner import feedback_pages


def _checksum(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


class HttpList(HttpExchange, ExchangeList):
    """Released assignments (default), the caller's submissions (``--cached``), or every
    learner's attempts (``--inbound``, instructors only)."""

    def init_src(self):
        pass

    def init_dest(self):
        pass

    def copy_files(self):
        pass

    def remove_files(self):
        self.fail(
            "The course server keeps released assignments and submissions: nothing can be "
            "removed through nbgrader list --remove."
        )

    def list_files(self):
        assignments = self.parse_assignments()
        if self.inbound or self.cached:
            self.log.info("Submitted assignments:")
            for assignment in assignments:
                for info in assignment["submissions"]:
                    self.log.info(self.format_inbound_assignment(info))
        else:
            self.log.info("Released assignments:")
            for info in assignments:
                self.log.info(self.format_outbound_assignment(info))
        return assignments

    def format_inbound_assignment(self, info: dict) -> str:
        message = "{course_id} {student_id} {assignment_id} {timestamp}".format(**info)
        if info["has_local_feedback"] and not info["feedback_updated"]:
            return message + " (feedback already fetched)"
        if info["has_exchange_feedback"]:
            return message + " (feedback ready to be fetched)"
        return message + " (no feedback available)"

    def format_outbound_assignment(self, info: dict) -> str:
        message = "{course_id} {assignment_id}".format(**info)
        return message + (" (already downloaded)" if info["status"] == "fetched" else "")

    # -- building the dicts ---------------------------------------------------------------------

    def parse_assignments(self) -> list[dict]:
        course_id = self.require_course()
        if self.coursedir.student_id:
            courses = self.authenticator.get_student_courses(self.coursedir.student_id)
            if courses is not None and course_id not in courses:
                return []
        wanted = self.coursedir.assignment_id or "*"
        released = {
            assignment_id: notebooks
            for assignment_id, notebooks in sorted(self.released().items())
            if fnmatch.fnmatchcase(assignment_id, wanted)
        }
        if not (self.inbound or self.cached):
            return [self.outbound(course_id, a, n) for a, n in released.items()]
        submissions = []
        if self.inbound:
            for assignment_id, notebooks in released.items():
                for attempt in self.attempts(assignment_id):
                    learner = str(attempt.get("learner"))
                    submissions.append(
                        self.submitted(course_id, learner, assignment_id, attempt, notebooks)
                    )
        else:
            learner = self.whoami()
            for assignment_id, notebooks in released.items():
                for submission in self.submissions(assignment_id):
                    submissions.append(
                        self.submitted(course_id, learner, assignment_id, submission, notebooks)
                    )
        return self.group(submissions)

    def outbound(self, course_id: str, assignment_id: str, notebooks: list[str]) -> dict:
        info = {"course_id": course_id, "assignment_id": assignment_id}
        local = os.path.join(self.assignment_dir, self.local_root(assignment_id))
        if os.path.exists(local):
            info["status"] = "fetched"
            info["path"] = os.path.abspath(local)
            names = sorted(p.name for p in Path(local).glob("*.ipynb"))
            paths = [os.path.join(info["path"], name) for name in names]
        else:
            info["status"] = "released"
            info["path"] = self.api_url(self.assignment_path(assignment_id, "/files"))
            names = sorted(notebooks)
            paths = [f"{info['path']}#{name}" for name in names]
        if not names:
            self.log.warning(f"No notebooks found in {info['path']}")
        info["notebooks"] = [
            {"notebook_id": os.path.splitext(name)[0], "path": path}
            for name, path in zip(names, paths, strict=True)
        ]
        return info

    def attempts(self, assignment_id: str) -> list[dict]:
        answer = self.get_json(self.assignment_path(assignment_id, "/attempts"))
        return list(answer.get("attempts", []) if isinstance(answer, dict) else answer)

    def submitted(
        self, course_id: str, learner: str, assignment_id: str, submission: dict, notebooks
    ) -> dict:
        """One submission as the default lists a cached (or inbound) one."""
        timestamp = self.nbgrader_timestamp(submission["received_at"])
        info = {
            "course_id": course_id,
            "student_id": learner,
            "assignment_id": assignment_id,
            "timestamp": timestamp,
            "status": "submitted",
            "path": self.api_url(f"/api/submissions/{submission['id']}"),
        }
        graded = [n["notebook"] for n in (submission.get("result") or {}).get("notebooks", [])]
        assignment_dir = os.path.join(self.assignment_dir, self.local_root(assignment_id))
        local_dir = os.path.join(assignment_dir, "feedback", timestamp)
        on_server = submission.get("status") == "graded"
        server_pages = None  # downloaded only to tell whether fetched feedback is outdated
        info["notebooks"] = []
        for name in sorted(graded or notebooks):
            notebook_id = os.path.splitext(name)[0]
            local_path = os.path.join(local_dir, f"{notebook_id}.html")
            has_local = os.path.isfile(local_path)
            nb_info = {
                "notebook_id": notebook_id,
                "path": f"{info['path']}#{name}",
                "has_local_feedback": has_local,
                "has_exchange_feedback": on_server,
                "local_feedback_path": local_path if has_local else None,
                "feedback_updated": False,
            }
            if has_local and on_server and not self.inbound:
                if server_pages is None:
                    server_pages = {
                        page: _checksum(data)
                        for page, data in feedback_pages(self, submission).items()
                    }
                local = _checksum(Path(local_path).read_bytes())
                nb_info["feedback_updated"] = server_pages.get(f"{notebook_id}.html") != local
            info["notebooks"].append(nb_info)
        books = info["notebooks"]
        info["has_local_feedback"] = bool(books) and all(n["has_local_feedback"] for n in books)
        info["has_exchange_feedback"] = bool(books) and all(
            n["has_exchange_feedback"] for n in books
        )
        info["feedback_updated"] = any(n["feedback_updated"] for n in books)
        if info["has_local_feedback"]:
            full = os.path.abspath(assignment_dir)
            base = full if os.path.exists(full) else assignment_dir
            info["local_feedback_path"] = os.path.join(base, "feedback", timestamp)
        else:
            info["local_feedback_path"] = None
        return info

    @staticmethod
    def group(submissions: list[dict]) -> list[dict]:
        """Per course, learner and assignment, oldest submission first, as the default does."""
        keys = sorted({(s["course_id"], s["student_id"], s["assignment_id"]) for s in submissions})
        grouped = []
        for key in keys:
            mine = sorted(
                (
                    s
                    for s in submissions
                    if (s["course_id"], s["student_id"], s["assignment_id"]) == key
                ),
                key=lambda s: s["timestamp"],
            )
            grouped.append(
                {
                    "course_id": key[0],
                    "student_id": key[1],
                    "assignment_id": key[2],
                    "status": mine[0]["status"],
                    "submissions": mine,
                }
            )
        return grouped
