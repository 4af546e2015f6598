"""The site's URLs plus two trivial views, for the load benchmark only (benchmarks.settings)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from helpcenter.urls import urlpatterns as site


def trivial(request):
    """The floor: a Django response under the same rules as every page (so, cached)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def trivial_uncached(request):
    """The same through every middleware and the URL resolver, as before the page cache."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/trivial-uncached/", trivial_uncached),
    *site,
]
