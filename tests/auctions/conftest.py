import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots


@pytest.fixture
def sale_asset(case, case_officer, approver, auction_manager):
    return asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager)


@pytest.fixture
def open_lot_factory(case, case_officer, approver, auction_manager):
    def make(n_lots: int = 1, **kwargs):
        assets = [asset_for_sale(case=case, officer=case_officer, approver=approver, manager=auction_manager,
                                 title=f"Lot asset {i}") for i in range(n_lots)]
        return open_auction_with_lots(manager=auction_manager, approver=approver, assets=assets, **kwargs)

    return make


@pytest.fixture
def auction_and_lot(open_lot_factory):
    auction, lots = open_lot_factory(1)
    return auction, lots[0]


@pytest.fixture
def lot(auction_and_lot):
    return auction_and_lot[1]


@pytest.fixture
def bidder_factory(auction_manager, auction_and_lot):
    auction = auction_and_lot[0]

    def make(**kwargs):
        kwargs.setdefault("auctions", [auction])
        return make_bidder(reviewer=auction_manager, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users get a cheap hash: PBKDF2 at full strength costs most of a test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached eligibility and increment tables must not leak between tests (ids repeat after a rollback)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int, proc: subprocess.Popen, *, seconds: float) -> bool:
    """Whether the server on `port` accepts a connection before `seconds` pass or it exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


@pytest.fixture(scope="session")
def localstripe_url():
    """The localstripe stand-in for Stripe, one per test process (defined here once: a session
    fixture imported into several modules would start one each). A port taken between choosing it
    and localstripe binding it is tried again on another; what localstripe said is in the skip."""
    exe = Path(sys.executable).with_name("localstripe")
    if not exe.exists() and not shutil.which("localstripe"):
        pytest.skip("localstripe is not installed")
    said = ""
    for _attempt in range(3):
        port = _free_port()
        log = tempfile.TemporaryFile()  # a file, not a pipe: localstripe logs every request
        # --from-scratch: every localstripe dumps its state to the same /tmp/localstripe.pickle, so one
        # that loads it may read another's half-written dump ("pickle data was truncated").
        proc = subprocess.Popen([str(exe if exe.exists() else "localstripe"), "--port", str(port),
                                 "--from-scratch"],
                                stdout=subprocess.DEVNULL, stderr=log)
        if _answers(port, proc, seconds=20):
            break
        if proc.poll() is None:
            proc.terminate()
            pytest.skip("localstripe did not answer within 20 s")
        log.seek(0)
        lines = log.read().decode(errors="replace").strip().splitlines()
        said = lines[-1] if lines else f"exit status {proc.returncode}"
    else:
        pytest.skip(f"localstripe could not start: {said}")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
