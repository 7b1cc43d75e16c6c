"""A progress bar for the import commands' terminal output (its own module: the citation import does not load the
WordPress importer to draw it)."""

from django.core.management.base import OutputWrapper


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
