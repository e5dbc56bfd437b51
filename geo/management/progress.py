"""A progress bar on a terminal (a line per tenth elsewhere), for the import and export commands."""

import sys


class ProgressBar:
    def __init__(self, stream, label: str, total: int | None = None, width: int = 40):
        self.stream, self.label, self.total, self.width = stream, label, total, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        total = total or self.total
        if not total:
            if self.tty:
                self.stream.write(f"\r{self.label}: {done}")
            return
        tenth = done * 10 // total
        if self.tty:
            filled = self.width * done // total
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
            if done == total:
                self.stream.write("\n")
        elif tenth != self.shown:
            self.shown = tenth
            self.stream.write(f"{self.label}: {done}/{total}\n")
        (getattr(self.stream, "flush", None) or sys.stdout.flush)()
