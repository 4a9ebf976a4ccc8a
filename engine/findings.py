"""What validation says about a diagram set: findings a beheerder can act on."""

from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "fout"
WARNING = "waarschuwing"


@dataclass(frozen=True)
class Finding:
    """One problem in one place: file, line, element, what is wrong and how to mend
    it. Errors block a deploy; warnings do not."""

    severity: str
    file: str
    line: int | None
    element: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        # A name or script with line breaks (Camunda writes "Approve&#10;Invoice")
        # would split one finding over several lines of the command's output and
        # of the check page: every run of white space becomes one space.
        for name in ("element", "message", "hint"):
            object.__setattr__(self, name, one_line(getattr(self, name)))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        """One line, as the command prints it: file:line: element: severity: text."""
        text = f"{self.message}. {self.hint}" if self.hint else self.message
        return (
            f"{self.file or '-'}:{self.line or 0}: {self.element or '-'}:"
            f" {self.severity}: {text}"
        )


def has_errors(findings: "list[Finding] | tuple[Finding, ...]") -> bool:
    return any(f.is_error for f in findings)


def one_line(text: str) -> str:
    """The text with every line break and run of white space as one space."""
    return " ".join(text.split())


def sort_findings(findings: "Iterable[Finding]") -> list[Finding]:
    """Findings in reading order: by file, then line (set-wide ones, without a file
    or line, first); findings on the same line keep the order they were found in."""
    return sorted(findings, key=lambda f: (f.file, f.line or 0))
