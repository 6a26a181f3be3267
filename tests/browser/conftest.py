"""Fixtures of the browser suite: the server's URL (from tests/browser/run) and shoppers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from shopper import Shopper, new_driver  # noqa: E402


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("EMPORIUM_BROWSER_BASE_URL")
    if not url:
        pytest.exit("EMPORIUM_BROWSER_BASE_URL is not set: run the suite with tests/browser/run", returncode=2)
    return url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return Path(os.environ.get("EMPORIUM_BROWSER_ARTIFACTS", Path(__file__).parent / "artifacts"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def shoppers(request, base_url, artifacts):
    """Makes shoppers, each its own fresh browser (no cookies): `shoppers("guest")`.

    Screenshots go to artifacts/<test>/ (artifacts/<test>-<label>/ for a second browser).
    A failed test gets a last screenshot of every browser, named FAILED.
    """
    made: list[Shopper] = []
    test_name = request.node.name.removeprefix("test_").replace("_", "-")

    def make(label: str = "") -> Shopper:
        folder = artifacts / (test_name if not made else f"{test_name}-{label or len(made) + 1}")
        shopper = Shopper(new_driver(), base_url, folder)
        made.append(shopper)
        return shopper

    yield make
    failed = getattr(request.node, "report_call", None)
    for shopper in made:
        try:
            if failed is not None and failed.failed:
                shopper.shot("FAILED")
        finally:
            shopper.driver.quit()


@pytest.fixture
def shopper(shoppers) -> Shopper:
    return shoppers()
