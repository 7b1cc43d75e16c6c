"""What an import did, item by item, and a progress bar for the terminal."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.management.base import OutputWrapper

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


class ProgressBar:
    """`[##########----------] 5/10 Post Laminectomy Syndrome` on one line, redrawn in place (for a terminal)."""

    def __init__(self, stream, total, enabled=True, width=24):
        self.stream, self.total, self.enabled, self.width = stream, total, enabled and total > 0, width

    def update(self, done, label=""):
        if not self.enabled:
            return
        filled = round(self.width * done / self.total)
        label = label if len(label) <= 40 else label[:39] + "…"
        self._write(f"\r[{'#' * filled}{'-' * (self.width - filled)}] {done}/{self.total} {label:<40}")

    def close(self):
        if self.enabled:
            self.update(self.total, "done")
            self._write("\n")

    def _write(self, text):
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()
