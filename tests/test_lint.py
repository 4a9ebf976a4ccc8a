import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["engine", "forms", "webui", "exports", "vocabulary", "bench", "tests"]


def test_code_passes_ruff() -> None:
    """The lint, import-order and complexity rules of pyproject.toml (`make lint`)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--output-format",
            "concise",
            *PACKAGES,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_packages_pass_mypy() -> None:
    """The type checks of pyproject.toml ([tool.mypy], `make lint`)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
