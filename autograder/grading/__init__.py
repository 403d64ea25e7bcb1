"""Grading that learner code cannot tamper with: intake, confinement, trusted verdicts."""
