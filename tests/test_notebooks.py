"""Normalising notebooks, mapping grade cells to exercises, and finding secret lines."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder import notebooks


def graded(cell, **meta):
    cell.metadata["nbgrader"] = {"grade_id": "ex", "schema_version": 3, **meta}
    return cell


def test_normalize_clears_outputs_and_stray_metadata_and_is_idempotent():
    cell = new_code_cell("x = 1\n", execution_count=7, outputs=[new_output("stream", text="hi")])
    cell.metadata["collapsed"] = True
    nb = new_notebook(cells=[cell])
    once = notebooks.normalize(nb)
    assert once.cells[0].outputs == [] and once.cells[0].execution_count is None
    assert dict(once.cells[0].metadata) == {}
    assert notebooks.dumps(notebooks.normalize(once)) == notebooks.dumps(once)


def test_normalize_gives_grade_cells_their_grade_id_as_cell_id():
    nb = new_notebook(cells=[graded(new_code_cell("pass"), solution=True), new_markdown_cell("x")])
    ids = [c.id for c in notebooks.normalize(nb).cells]
    assert ids == ["ex", "markdown-001"]
    nbformat.validate(notebooks.normalize(nb))


def test_secret_lines_cover_solutions_hidden_tests_and_written_answers():
    nb = new_notebook(
        cells=[
            graded(
                new_code_cell(
                    "def f(x):\n    ### BEGIN SOLUTION\n    return sorted_secret(x)\n    ### END SOLUTION"
                ),
                solution=True,
            ),
            graded(
                new_code_cell(
                    '"""Check f."""\n### BEGIN HIDDEN TESTS\nq.f.check_hidden(f)\n### END HIDDEN TESTS'
                ),
                grade=True,
            ),
            graded(
                new_markdown_cell("The model answer explains everything."),
                solution=True,
                grade=True,
            ),
            new_markdown_cell("Grading runs:\nq.f.check_hidden(f)"),
        ]
    )
    secret = notebooks.secret_lines(nb)
    assert "return sorted_secret(x)" in secret
    assert "The model answer explains everything." in secret
    assert "q.f.check_hidden(f)" not in secret  # the same line is public elsewhere
    assert not any("def f(x):" in line for line in secret)


def test_grade_cells_map_to_the_longest_matching_exercise():
    exercises = ["merge_sorted", "merge_sorted_complexity", "sample_variance"]
    assert notebooks.exercise_of("merge_sorted_hidden", exercises) == "merge_sorted"
    assert notebooks.exercise_of("merge_sorted_complexity", exercises) == "merge_sorted_complexity"
    assert notebooks.exercise_of("sample_variance_visible", exercises) == "sample_variance"
    assert (
        notebooks.exercise_of("sample_variances_visible", exercises) == "sample_variances_visible"
    )
