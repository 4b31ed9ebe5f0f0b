"""One exception hierarchy; the CLI turns each into one line and an exit code."""

from __future__ import annotations


class HazeError(Exception):
    """Base of every error haze reports to a user. ``exit_code`` follows SPEC §7."""

    exit_code = 2


class UsageError(HazeError):
    """Bad option or argument value (unknown level, unreadable --start...)."""


class ListError(HazeError):
    """A list cannot be computed: blocking findings. ``findings`` holds them all."""

    def __init__(self, message: str, findings: list | None = None) -> None:
        super().__init__(message)
        self.findings = list(findings or [])


class PolicyError(HazeError):
    """A policy cannot be found or is malformed."""


class TemplateError(HazeError):
    """A notice template is missing, broken or refused by the sandbox."""


class OutputError(HazeError):
    """A file cannot be written (export, import, plan --apply) or fails its read-back check."""


class JournalError(HazeError):
    """The journal cannot be opened or written."""


class NothingActive(HazeError):
    """``lift`` with no active warning (SPEC §7: exit 1)."""

    exit_code = 1


class AlreadyActive(HazeError):
    """``activate`` at the level already active, without ``--force``."""

    exit_code = 1


class RequirementNotMet(HazeError):
    """``activate --strict`` refuses when the requirement is not met (exit 1)."""

    exit_code = 1


class Infeasible(HazeError):
    """No 错峰 schedule: an industry cannot stop its days under SPEC §15's peak bound (exit 1)."""

    exit_code = 1


class PublishError(HazeError):
    """After the journal's commit, the notices could not be moved into place (exit 1).

    Not "nothing written": the warning IS recorded and its notices are complete
    in the staging directory; the next ``activate`` or ``lift`` on the same
    journal and ``--out`` moves them into place.
    """

    exit_code = 1


class PublishInterrupted(PublishError):
    """Ctrl-C after the journal's commit, while the notices were moved into place (exit 130, as any interrupt)."""

    exit_code = 130
