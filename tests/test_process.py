import sys
import time

from gorust.process import run_child
from tests.conftest import is_running


def test_reports_exit_status_output_and_peak_rss_of_the_child_alone():
    allocate = "b = bytearray(200 * 1024 * 1024); print('done'); raise SystemExit(4)"
    finished = run_child([sys.executable, "-c", allocate], timeout_s=60)
    assert finished.exit_code == 4
    assert finished.stdout.strip() == "done"
    assert not finished.timed_out
    # The child touched 200 MiB; the parent (this test) did not.
    assert 200 * 1024 * 1024 <= finished.peak_rss_bytes < 400 * 1024 * 1024


def test_timeout_kills_the_whole_process_group():
    spawn = (
        "import subprocess, time\n"
        "p = subprocess.Popen(['sleep', '600'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    started = time.monotonic()
    finished = run_child([sys.executable, "-c", spawn], timeout_s=2)
    assert finished.timed_out
    assert time.monotonic() - started < 30
    grandchild = int(finished.stdout.split()[0])
    assert not is_running(grandchild)


def test_grandchildren_left_behind_by_a_finished_child_are_killed():
    orphan = "import subprocess; print(subprocess.Popen(['sleep', '600']).pid)"
    finished = run_child([sys.executable, "-c", orphan], timeout_s=30)
    assert finished.exit_code == 0
    assert not is_running(int(finished.stdout.strip()))


def test_peak_rss_is_the_childs_own_even_when_the_parent_is_large():
    ballast = bytearray(300 * 1024 * 1024)  # the parent's RSS must not leak into the child's
    ballast[::4096] = b"x" * len(ballast[::4096])
    finished = run_child([sys.executable, "-c", "pass"], timeout_s=60)
    assert finished.exit_code == 0
    assert 1_000_000 < finished.peak_rss_bytes < 100 * 1024 * 1024
    del ballast


def test_a_child_killed_by_a_signal_reports_a_negative_status():
    finished = run_child([sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"], timeout_s=30)
    assert finished.exit_code == -9
