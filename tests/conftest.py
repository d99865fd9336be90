from __future__ import annotations

from pathlib import Path

import pytest

from gorust import GoKernel, Kernel, RustKernel, paths


@pytest.fixture(scope="session", params=["go", "rust"])
def kernel(request: pytest.FixtureRequest) -> Kernel:
    """Each test that takes `kernel` runs once against Go and once against Rust."""
    return GoKernel() if request.param == "go" else RustKernel()


@pytest.fixture(autouse=True)
def live_results(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's live results go to a folder of its own: no test writes the repository's
    _build/results, and none reads what an earlier live run left there."""
    folder = tmp_path_factory.mktemp("live-results")
    monkeypatch.setenv(paths.RESULTS_VARIABLE, str(folder))
    return folder
