"""What the HSDS suites share: the binary, the specification's files, the sample's export
with its bed reports, and the official examples made placeable."""

import os
import subprocess
from pathlib import Path

BIN = os.environ.get("CAREFIND_BIN", "carefind")
HSDS = Path(os.environ.get("CAREFIND_HSDS", Path(__file__).parents[2] / ".." / "shared" / "hsds"))


def sample_export(tmp_path: Path, to: str, name: str) -> Path:
    """The embedded sample with the sample's bed reports, exported `--to` `to` as `name`."""
    store = tmp_path / "availability.db"
    feed = Path(__file__).parents[2] / "datasets" / "sample-availability.csv"
    subprocess.run([BIN, "availability", "import", str(feed), "--store", str(store)],
                   check=True, capture_output=True)
    out = tmp_path / name
    subprocess.run([BIN, "export", "--to", to, "-o", str(out), "--store", str(store)],
                   check=True, capture_output=True)
    return out


def corrected(value):
    """The specification's examples with their latitude (100, off the globe: an error in
    the examples) corrected."""
    if isinstance(value, dict):
        return {k: (40.7 if k == "latitude" and v == 100 else corrected(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [corrected(v) for v in value]
    return value
