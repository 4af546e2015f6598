import pytest

from kb.models import Feedback, PublishState


@pytest.mark.django_db
def test_guide_page_has_breadcrumbs_tags_date_toc_and_related(client, content):
    html = client.get("/kb/authentication-and-security/").content.decode()
    assert '<nav aria-label="Breadcrumb"' in html
    assert '<h1 id="article-title">Authentication and security</h1>' in html
    assert 'login<span aria-hidden="true"> · </span>' in html
    assert "Last updated <time" in html
    assert 'aria-labelledby="toc-title"' in html
    assert 'href="/runbooks/cannot-sign-in/"' in html
    assert "Related guides" in html
    assert "Was this helpful?" in html


@pytest.mark.django_db
def test_unknown_guide_is_a_styled_404(client, content):
    response = client.get("/kb/no-such-guide/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn't find that page" in html
    assert 'role="search"' in html


@pytest.mark.django_db
def test_draft_is_hidden_from_public_but_previewable_by_admins(client, make_guide, admin_user):
    guide = make_guide("Unreleased", status=PublishState.DRAFT)
    assert client.get(guide.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only editors of guides can see it." in response.content.decode()


def test_a_draft_is_for_editors_of_guides_not_for_all_staff(client, make_guide, staff_in):
    guide = make_guide("Unreleased", status=PublishState.DRAFT)
    client.force_login(staff_in("Support agents"))  # staff, but no permission on guides
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert (
        client.post(guide.get_absolute_url() + "feedback/", {"helpful": "yes"}).status_code == 404
    )
    client.force_login(staff_in("Content editors"))
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only editors of guides can see it." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("guides", [3, 40])
def test_guide_query_count_does_not_grow(
    client, make_guide, make_runbook, django_assert_num_queries, guides, status_unchanged
):
    created = [make_guide(tags=["common", f"t{n % 5}"]) for n in range(guides)]
    make_runbook(related_guides=created[:2])
    with django_assert_num_queries(4):
        client.get(created[0].get_absolute_url())


@pytest.mark.django_db
def test_vote_is_recorded_once_per_browser_and_can_change(client, make_guide):
    guide = make_guide()
    url = guide.get_absolute_url() + "feedback/"
    response = client.post(url, {"helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"] == guide.get_absolute_url() + "feedback/?voted=1#feedback"
    page = client.get(response["Location"]).content.decode()
    assert "Thanks for your feedback. You answered <strong>Yes</strong>" in page

    client.post(url, {"helpful": "no", "reason": "Missing the curl example"})
    vote = Feedback.objects.for_object(guide).get()
    assert (vote.helpful, vote.reason) == (False, "Missing the curl example")


@pytest.mark.django_db
def test_two_browsers_make_two_votes(client, make_guide):
    from django.test import Client

    guide = make_guide()
    url = guide.get_absolute_url() + "feedback/"
    client.post(url, {"helpful": "yes"})
    Client(HTTP_HOST="127.0.0.1").post(url, {"helpful": "no"})
    assert sorted(Feedback.objects.values_list("helpful", flat=True)) == [False, True]
    assert Feedback.objects.filter(voter__contains=client.cookies["hc_browser"].value).count() == 0


@pytest.mark.django_db
def test_vote_by_htmx_returns_the_widget(client, make_guide):
    guide = make_guide()
    response = client.post(
        guide.get_absolute_url() + "feedback/", {"helpful": "no"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="feedback"')
    assert "You answered <strong>No</strong>" in html
    assert "hc_browser" in response.cookies


@pytest.mark.django_db
def test_too_long_reason_is_refused_and_kept(client, make_guide):
    guide = make_guide()
    reason = "word " * 120 + "end"
    response = client.post(
        guide.get_absolute_url() + "feedback/", {"helpful": "no", "reason": reason}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep the reason under 500 characters (it has 603)." in html
    assert reason in html
    assert 'aria-invalid="true"' in html
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_vote_without_choice_says_so(client, make_guide):
    guide = make_guide()
    response = client.post(guide.get_absolute_url() + "feedback/", {"reason": "hmm"})
    assert response.status_code == 400
    assert "Choose Yes or No." in response.content.decode()


@pytest.mark.django_db
def test_vote_needs_csrf_token(make_guide):
    from django.test import Client

    guide = make_guide()
    strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    assert (
        strict.post(guide.get_absolute_url() + "feedback/", {"helpful": "yes"}).status_code == 403
    )


@pytest.mark.django_db
def test_vote_flood_is_rate_limited(client, make_guide, settings):
    guide = make_guide()
    url = guide.get_absolute_url() + "feedback/"
    codes = [client.post(url, {"helpful": "yes"}).status_code for _ in range(35)]
    assert codes[0] == 302
    assert codes[-1] == 429
    response = client.post(url, {"helpful": "yes"})
    assert "Too many requests" in response.content.decode()
    assert response["Retry-After"] == "60"


@pytest.mark.django_db
def test_no_vote_on_drafts(client, make_guide):
    guide = make_guide(status=PublishState.DRAFT)
    assert (
        client.post(guide.get_absolute_url() + "feedback/", {"helpful": "yes"}).status_code == 404
    )


def test_table_of_contents_nests_subsections_under_their_section(client, make_guide):
    make_guide(slug="nested", body="## Alpha\n\n### Alpha one\n\n## Beta\n\n## Gamma\n\ntext")
    html = client.get("/kb/nested/").content.decode()
    toc = html[
        html.index('aria-labelledby="toc-title"') : html.index("</nav>", html.index("toc-title"))
    ]
    assert toc.count("<li>") == 4
    # "Alpha one" sits in a list inside Alpha's item, so a numbered outline reads 1, 2, 3.
    assert '<a href="#alpha">Alpha</a>\n            <ul><li><a href="#alpha-one">' in toc
    assert toc.index("Alpha one") < toc.index("Beta")
