"""How an answer is chosen and quoted from the passages found (answers.extract,
answers.quote): each rule with a case that fails without it."""

import pytest

from answers.services import answer
from kb.models import Guide


def add_section(markdown, slug="quickstart"):
    guide = Guide.objects.get(slug=slug)
    guide.body += "\n\n" + markdown
    guide.save()


@pytest.mark.django_db
def test_a_table_row_answers_with_what_its_header_row_says(content):
    add_section(
        "## Parcel rates\n\nEach depot ships on its own schedule.\n\n"
        "| Depot | Parcels per day | Price per parcel |\n| --- | --- | --- |\n"
        "| Northgate | 40 | 3 euros |\n| Southgate | 25 | 5 euros |\n"
    )
    reply = answer("how many parcels per day does the southgate depot ship")
    assert reply.answer is not None
    assert "Depot | Parcels per day | Price per parcel" in reply.answer.text
    assert "Southgate | 25 | 5 euros" in reply.answer.text
