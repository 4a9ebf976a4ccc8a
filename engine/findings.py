"""What validation says about a diagram set: findings a beheerder can act on."""

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
