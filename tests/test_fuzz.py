"""10,000 generated Turtle snippets through every loader: no crash, hang, traceback or disagreement.

The fuzzer (tests/fuzz_turtle.py) runs in a child process with a deadline (started with the session,
see tests/background.py), so a crash of the native parser or a hang fails this test with the child's
output instead of taking pytest down.
"""

from __future__ import annotations

import json

import pytest
from background import result


@pytest.mark.slow
def test_ten_thousand_snippets_load_or_fail_in_one_line() -> None:
    done = result("fuzz", timeout=600)
    assert done.rc == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["failure_count"] == 0, "\n".join(found["failures"])
    assert found["accepted"] + found["rejected"] == found["n"] >= 10_000, found
    assert min(found["accepted"], found["rejected"]) > 2000, found
