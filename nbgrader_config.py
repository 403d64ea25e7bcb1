"""nbgrader configuration for the course; the course root is the folder holding this file."""

import os

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads this file)

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "ds-interview-loop"
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")
# key.py and key_*.py hold an assignment's answer key: never copied into release/.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "*.db",
    "*.db-journal",
    "key.py",
    "key_*.py",
]
# A local exchange folder, so a single-machine course needs no system-wide /srv/nbgrader.
c.Exchange.root = os.path.join(COURSE_ROOT, ".exchange")

# Seconds each cell may run before it is interrupted and scored as an error.
c.Execute.timeout = 60
# Grading kernels keep no history file and log only errors (not their transport warnings).
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]

# Grading that learner code cannot tamper with (docs/security.md): the kernel runs confined,
# with a whole-notebook deadline and output capped in bytes; every test cell is re-judged
# outside the kernel (started before it, judged alongside it) and its outputs replaced by
# that verdict before scoring.
c.Autograde.autograde_preprocessors = [
    "autograder.grading.verdicts.StartVerdicts",
    "autograder.grading.kernel.ConfinedExecute",
    "autograder.grading.verdicts.TrustedVerdicts",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "autograder.grading.metadata.CheckCellMetadata",
]
# nbgrader's own steps before grading; its metadata check with the schema compiled once.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "autograder.grading.metadata.CheckCellMetadata",
]
# A notebook may run deadline_multiplier times as long as its model solution (measured once
# per version, cached in .grading/), at least deadline_floor and at most notebook_timeout
# seconds; a kernel that stops answering fails its remaining cells at once.
c.ConfinedExecute.notebook_timeout = 600
c.ConfinedExecute.deadline_floor = 30
c.ConfinedExecute.deadline_multiplier = 10
c.ConfinedExecute.course_root = COURSE_ROOT
c.ConfinedExecute.max_output_bytes = 1_000_000
c.ConfinedExecute.judged_elsewhere = True  # the verdicts judge the test cells
c.ConfinedKernelManager.course_root = COURSE_ROOT
c.TrustedVerdicts.course_root = COURSE_ROOT
# Kernels and verdict workers are forked from a template process that has already imported
# the stack (autograder/grading/template.py): each confines itself as a cold start would.
c.ConfinedKernelManager.warm = True
c.TrustedVerdicts.warm = True

# Feedback shows each test's verdict, never hidden test code (autograder/grading/hide_hidden.py).
# Its pages come from nbconvert's HTML exporter with templates compiled once per process.
c.GenerateFeedback.exporter_class = "autograder.grading.feedback_html.FeedbackHTMLExporter"
c.GenerateFeedback.preprocessors = [
    "autograder.grading.hide_hidden.HideHiddenTests",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
