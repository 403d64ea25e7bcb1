"""``python -m autograder COMMAND``: the same commands as ``autograder COMMAND``."""

from autograder.cli.main import app

if __name__ == "__main__":
    app()
