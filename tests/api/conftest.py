import json

import pytest

from api.models import ApiToken
from api.scopes import SCOPES


class ApiClient:
    """The test client with a token, speaking JSON."""

    def __init__(self, client, raw):
        self.client, self.raw = client, raw

    def headers(self, extra):
        found = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"} if self.raw else {}
        return {**found, **extra}

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, **self.headers(headers))

    def send(self, method, path, data=None, **headers):
        body = data if isinstance(data, bytes | str) else json.dumps(data or {})
        return self.client.generic(method, path, body, "application/json", **self.headers(headers))

    def post(self, path, data=None, **headers):
        return self.send("POST", path, data, **headers)

    def patch(self, path, data=None, **headers):
        return self.send("PATCH", path, data, **headers)

    def delete(self, path, **headers):
        return self.send("DELETE", path, b"", **headers)


@pytest.fixture
def token_for(db):
    def make(user, scopes=tuple(SCOPES), **kw):
        return ApiToken.objects.issue(user=user, name="Test", scopes=list(scopes), **kw)

    return make


@pytest.fixture
def api_as(client, token_for):
    """An API client whose token belongs to `user` and has `scopes` (all by default)."""

    def make(user, scopes=tuple(SCOPES), **kw):
        _, raw = token_for(user, scopes, **kw)
        return ApiClient(client, raw)

    return make


@pytest.fixture
def agent_api(api_as, agent):
    return api_as(agent)


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client, None)
