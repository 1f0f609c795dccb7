"""What the wheel ships: the package and its migrations, not the original-mltrace harness."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_leaves_out_the_original_mltrace_bench_harness(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("mltrace_graph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert [n for n in names if n.startswith("mltrace_graph/bench/original")] == []
    assert "mltrace_graph/bench/suite.py" in names
    assert "mltrace_graph/service/runs.py" in names
    assert any(n.startswith("mltrace_graph/_migrations/") for n in names)
    # The harness stays in the checkout for `make bench-original`.
    assert (ROOT / "mltrace_graph/bench/original.py").is_file()
