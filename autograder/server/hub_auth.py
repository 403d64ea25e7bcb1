"""Who is asking, when the course server runs as a JupyterHub service (``serve --hub``).

JupyterHub's own service-auth classes identify the caller: ``HubOAuth`` checks a Hub API token
sent as ``Authorization: token ...`` (a learner's single-user server holds one in
``$JUPYTERHUB_API_TOKEN``) or, for a browser, the OAuth cookie set by ``/oauth_callback``.
The learner id is the Hub user name. Instructors are the members of one Hub group, which the
service reads with its own token: its only scope is ``read:groups!group=<that group>``
(docs/jupyterhub.md). Everything else about the caller comes from the Hub, nothing is stored.
"""

from __future__ import annotations

import json
import time

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from autograder.server.tokens import LEARNER_ID

GROUP_SECONDS = 30  # how long a group's membership is trusted before asking the Hub again
SAFE_METHODS = ("GET", "HEAD")


class HubIdentity:
    """A request's Hub user and whether they are in the instructors' group."""

    def __init__(self, group: str = "instructors"):
        # every setting (API URL, token, service prefix, access scope) comes from the
        # JUPYTERHUB_* environment the Hub gives a managed service
        self.auth = HubOAuth(cache_max_age=60)
        self.group = group
        self._members: tuple[float, frozenset[str]] = (0.0, frozenset())

    @property
    def prefix(self) -> str:
        return self.auth.base_url

    async def identify(self, handler: web.RequestHandler) -> tuple[str, bool]:
        """``(learner, instructor)``; raises ``Refused`` (401/403) with one sentence."""
        from autograder.server.app import Refused

        model = await self.auth.get_user(handler, sync=False)
        if not model:
            raise Refused(
                401,
                "log in through JupyterHub: send a Hub API token as 'Authorization: token "
                f"TOKEN', or open {self.prefix}login in a browser",
            )
        cookie_only = not getattr(handler, "_token_authenticated", False)
        if cookie_only and handler.request.method not in SAFE_METHODS:
            # a cookie is sent by any page of the Hub's origin; changes need the token itself
            raise Refused(403, "changes need a Hub API token in the Authorization header")
        required = self.auth.access_scopes  # access:services!service=<name> for a managed one
        if required and not self.auth.check_scopes(required, model):
            raise Refused(403, f"this Hub token may not use the service ({self.prefix})")
        name = model["name"]
        if model.get("kind", "user") != "user" or not LEARNER_ID.match(name):
            raise Refused(
                403, f"the Hub user {name!r} cannot have a folder in submitted/ on this course"
            )
        return name, name in await self.instructors()

    async def instructors(self) -> frozenset[str]:
        """The group's members, asked of the Hub at most every ``GROUP_SECONDS``."""
        asked, members = self._members
        if time.monotonic() - asked < GROUP_SECONDS:
            return members
        url = url_path_join(self.auth.api_url, "groups", self.group)
        try:
            response = await AsyncHTTPClient().fetch(
                url, headers={"Authorization": f"token {self.auth.api_token}"}
            )
            members = frozenset(json.loads(response.body).get("users", []))
        except HTTPClientError as error:
            if error.code != 404:  # no such group: nobody is an instructor
                raise
            members = frozenset()
        self._members = (time.monotonic(), members)
        return members

    def routes(self) -> list[tuple]:
        """The OAuth callback and a login page, under the service's prefix."""
        return [
            (url_path_join(self.prefix, "oauth_callback"), OAuthCallback, {"hub_auth": self.auth}),
            (url_path_join(self.prefix, "login"), Login, {"hub_auth": self.auth}),
        ]

    def app_settings(self) -> dict:
        # the OAuth cookie is signed; a new secret at each start only means logging in again
        import secrets

        return {"cookie_secret": secrets.token_bytes(32)}


class OAuthCallback(HubOAuthCallbackHandler):
    def initialize(self, hub_auth: HubOAuth):
        self.hub_auth = hub_auth


class Login(HubOAuthenticated, web.RequestHandler):
    """A browser's way in: through the Hub's login, back with the cookie, on to whoami."""

    def initialize(self, hub_auth: HubOAuth):
        self.hub_auth = hub_auth

    @web.authenticated
    def get(self):
        self.redirect(url_path_join(self.hub_auth.base_url, "api/whoami"))
