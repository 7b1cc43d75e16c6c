"""What an import did, item by item, and a progress bar for the terminal."""

from collections import Counter
from dataclasses import dataclass, field

from importing.progress import ProgressBar  # noqa: F401 - kept importable from here (the WordPress importer, its tests)

OUTCOMES = ("created", "updated", "unchanged", "skipped", "error")


@dataclass
class ItemResult:
    label: str
    outcome: str = ""  # one of OUTCOMES
    detail: str = ""  # the new address, or why the item was skipped or failed
    warnings: list[str] = field(default_factory=list)

    def line(self):
        detail = f" -> {self.detail}" if self.outcome in {"created", "updated", "unchanged"} else f": {self.detail}"
        return f"{self.outcome:<10} {self.label}{detail if self.detail else ''}"

    def warning_lines(self):
        return [f"{'':<10}   warning: {warning}" for warning in self.warnings]


@dataclass
class Report:
    source: str
    dry_run: bool = False
    results: list[ItemResult] = field(default_factory=list)

    @property
    def counts(self):
        return Counter(result.outcome for result in self.results)

    @property
    def errors(self):
        return [result for result in self.results if result.outcome == "error"]

    @property
    def warning_count(self):
        return sum(len(result.warnings) for result in self.results)

    def lines(self):
        lines = [self.source]
        for result in self.results:
            lines.append(result.line())
            lines += result.warning_lines()
        return lines + self.summary_lines()

    def summary_lines(self):
        counts = self.counts
        lines = [
            ", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES[:-1])
            + f", {counts['error']} error{'s' if counts['error'] != 1 else ''}; "
            + f"{self.warning_count} warning{'s' if self.warning_count != 1 else ''}."
        ]
        if self.dry_run:
            lines.append("Dry run: everything was rolled back, nothing was saved.")
        return lines
