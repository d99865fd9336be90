from __future__ import annotations

import pytest

from gorust import GoKernel, Kernel, RustKernel


@pytest.fixture(scope="session", params=["go", "rust"])
def kernel(request: pytest.FixtureRequest) -> Kernel:
    """Each test that takes `kernel` runs once against Go and once against Rust."""
    return GoKernel() if request.param == "go" else RustKernel()
