"""Pages show only what the user may do: no menu entry, button, link or form that answers 403.

For every role of the test world, every page of the permission matrix (its record in the user's own
enterprise E1) is rendered; every link (``a[href]``, ``hx-get``) into the app found there is requested
with GET as that user, and every form that POSTs (``form[method=post]``, ``hx-post``) is checked against
the declaration of the view it targets (``ScopedViewMixin.check_access`` with a POST request, which
includes the workflow step's permission): none may answer 403 (nor 404: a link to nothing).
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse

from tests.foundation.test_permission_matrix import MATRIX
from tests.matrix.base import ALL

SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/i18n/")
PAGES = sorted(n for n in MATRIX if not n.startswith("api:"))


class _Collector(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.links: set[str] = set()
        self.posts: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.add(a["href"])
        if a.get("hx-get"):
            self.links.add(a["hx-get"])
        if a.get("hx-post"):
            self.posts.add(a["hx-post"])
        if tag == "form":
            action = a.get("action") or self.page_url  # no action: the form posts back to its page
            if (a.get("method") or "get").lower() == "post":
                self.posts.add(action)
            elif a.get("action"):
                self.links.add(action)


def _inside_app(url: str) -> str | None:
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return url


def _post_allowed(user, url: str) -> int:
    """What the view declared for this URL answers a POST of this user, without running it."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return 404
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not hasattr(view_class, "check_access"):
        return 200  # a function view or an API endpoint: checked by its own tests
    request = RequestFactory().post(url)
    request.user = user
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    try:
        view.check_access(request, **match.kwargs)
    except PermissionDenied:
        return 403
    except Http404:
        return 404
    return 200


@pytest.mark.slow(15)
@pytest.mark.parametrize("role", sorted(ALL))
def test_pages_offer_only_what_the_user_may_do(world, role):
    user = world.users[role]
    # Make every record the matrix knows, in the user's enterprise, so the pages have something to link to.
    targets = {name: MATRIX[name].target(world, world.e1) if MATRIX[name].target else {} for name in PAGES}
    client = Client()
    client.force_login(user)
    links: dict[str, str] = {}
    posts: dict[str, str] = {}
    rendered = 0
    for name in PAGES:
        url = reverse(name, kwargs=targets[name])
        resp = client.get(url)
        if resp.status_code != 200 or not resp.get("Content-Type", "").startswith("text/html"):
            continue
        rendered += 1
        c = _Collector(url)
        c.feed(resp.content.decode("utf-8"))
        for href in c.links:
            if (u := _inside_app(href)) is not None:
                links.setdefault(u, name)
        for action in c.posts:
            if (u := _inside_app(action)) is not None:
                posts.setdefault(u, name)
    failures = []
    for url, page in sorted(links.items()):
        status = client.get(url).status_code
        if status in (403, 404):
            failures.append(("GET", url, status, page))
    for url, page in sorted(posts.items()):
        status = _post_allowed(user, url)
        if status in (403, 404):
            failures.append(("POST", url, status, page))
    print(f"{role}: {rendered} pages rendered, {len(links)} links followed, {len(posts)} forms checked, "
          f"{len(failures)} refused")
    assert rendered > 0
    assert not failures, f"{role}: links/forms that answer 403/404 (method, url, status, found on) {failures}"
