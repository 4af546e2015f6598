"""Constants written into SQL instead of bound as parameters, where an index depends on it.

SQLite plans a statement before it sees its parameters, so it matches a partial index's
condition and an indexed expression only against constants written in the statement:
`status IN (?, ?, ?)` can use neither. The queue's first page then sorted every unfinished
ticket instead of reading the first 50 entries of its order's index, and the views' counts
read the table instead of the unfinished tickets' index (bench-queue, 100,000 tickets:
185 ms against 2 ms for the first page). PostgreSQL is unchanged: its driver writes the
parameters into the statement itself (psycopg's client-side binding), and it plans them.
"""

from django.db.models import Value


class Constant(Value):
    """A Value that SQLite gets as a literal: whole numbers, and strings of our own code
    (statuses, never what a visitor typed: a string with a quote or NUL stays a parameter)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        value = self.value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), []
        if isinstance(value, str):  # (a status is a str too: its value)
            text = str(value)
            if text.isascii() and text.replace("_", "").isalnum():
                return f"'{text}'", []
        return self.as_sql(compiler, connection, **extra_context)


def constants(values):
    return [Constant(value) for value in values]
