"""The lock-out's authentication backend: django-axes's, first in AUTHENTICATION_BACKENDS.

Two differences from `axes.backends.AxesStandaloneBackend`:
- it is also a ModelBackend (axes's `AxesBackend`), so a session recorded against it (Django's and
  Wagtail's `force_login` take the first backend) can load its user;
- `authenticate()` called without a request (Django's test client `login()`, a management command)
  has no address to count failures by: it is left to the next backend instead of raising. Every
  sign-in over HTTP (the staff admin, the bidders' site, the API's token endpoint) passes its request.
"""

from __future__ import annotations

from axes.backends import AxesBackend


class LockoutBackend(AxesBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
