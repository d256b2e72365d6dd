"""The one exception budgetgraph raises for bad input: it names the file and the place."""

from __future__ import annotations


class BudgetgraphError(Exception):
    """A source, query or store that cannot be used, with where the problem is."""

    def __init__(self, message: str, *, file: str | None = None, place: str | None = None) -> None:
        self.message = message
        self.file = file
        self.place = place
        where = ", ".join(part for part in (file, place) if part)
        super().__init__(f"{where}: {message}" if where else message)


class UnsupportedLayout(BudgetgraphError):
    """A table recognised by its title whose layout budgetgraph cannot read yet: the table is reported as
    unread and the rest of the document goes on. (A value that is not an amount, by contrast, stops the load.)"""


class LimitError(BudgetgraphError):
    """A source file beyond one of the limits on what reading it may cost (``config.FileLimits``): not read."""
