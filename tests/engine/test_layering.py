import subprocess
import sys


def test_engine_exports_and_vocabulary_do_not_import_django() -> None:
    """The engine is a library: it knows BPMN, time and state, not HTTP or the ORM."""
    code = (
        "import sys, engine, exports, vocabulary; "
        "bad = sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'django', 'webui', 'forms'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
