"""Worker test fixtures: fail any test that leaves an inference QThread running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bert_desk.worker import running_threads


@pytest.fixture(autouse=True)
def no_running_inference_threads(qapp: object) -> Iterator[None]:
    """After each test every inference thread must have been shut down (joined)."""
    yield
    leaked = running_threads()
    for thread in leaked:  # stop them so the next tests don't inherit them
        thread.quit()
        thread.wait(10_000)
    if leaked:
        pytest.fail(f"{len(leaked)} inference QThread(s) still running after the test: call shutdown()")

