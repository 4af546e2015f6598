"""`make eval-answers`: the evaluation on a throwaway database with the shipped content
(SQLite, or PostgreSQL with DATABASE_URL). Prints the figures of the tuning split, the
held-out split and the whole set. `-v` lists the tuning split's misses; `--passages` prints
every passage with its address (to write questions)."""

import sys
import warnings
from pathlib import Path


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    from benchmarks._setup import django_with_test_database

    teardown = django_with_test_database()
    try:
        from django.db import connection

        from answers import evaluation
        from answers.models import Passage
        from editorial.importer import import_content

        report = import_content(root / "content")
        assert not report.errors, report.errors
        if "--passages" in sys.argv:
            for p in Passage.objects.select_related("document"):
                print(f"{p.url}\t{p.document.title} › {p.heading}\t{p.text[:100]!r}")
            return
        answerable, unanswerable = evaluation.load()
        print(
            f"engine: {connection.vendor}; {len(answerable)} answerable and "
            f"{len(unanswerable)} unanswerable questions ({evaluation.QUESTIONS.name})"
        )
        result = evaluation.run(answerable, unanswerable)
        tuning, held_out = result.split()
        print(f"\ntuning split ({len(tuning.answerable)} + {len(tuning.unanswerable)}):")
        print("\n".join(tuning.lines(verbose="-v" in sys.argv)))
        print(
            f"\nheld-out split ({len(held_out.answerable)} + {len(held_out.unanswerable)}, "
            "never looked at while tuning):"
        )
        print("\n".join(held_out.lines()))
        print("\nwhole set:")
        print("\n".join(result.lines()))
    finally:
        teardown()


if __name__ == "__main__":
    main()
