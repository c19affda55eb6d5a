"""carefind's HSDS JSON and API, judged by the tools the ecosystem runs: the
specification's schemas made strict by compiletojsonschema (no property the schema does not
name) checked by check-jsonschema, and schemathesis against the specification's OpenAPI
description and against carefind's own. Each is also shown a broken input, so that passing
means something."""

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from _hsds import BIN, HSDS, corrected, sample_export

TOOLS = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    not (HSDS / "schema" / "openapi.json").exists() and not os.environ.get("CAREFIND_REQUIRE_DATA"),
    reason="needs the HSDS specification (../shared/hsds or CAREFIND_HSDS)",
)


def tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.skip(f"{name} is not installed beside this Python")
    return str(path)


@pytest.fixture(scope="module")
def strict_schema(tmp_path_factory) -> Path:
    """The compiled service_at_location schema, strict, as an array of them."""
    out = subprocess.run(
        [tool("compiletojsonschema"), "--set-additional-properties-false-everywhere",
         str(HSDS / "schema" / "compiled" / "service_at_location.json")],
        check=True, capture_output=True, text=True).stdout
    path = tmp_path_factory.mktemp("schema") / "service_at_locations.json"
    path.write_text(json.dumps({"type": "array", "items": json.loads(out)}))
    return path


def check(schema: Path, document: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("check-jsonschema"), "--schemafile", str(schema), str(document)],
                          capture_output=True, text=True)


def test_the_samples_json_export_is_valid_strictly(strict_schema, tmp_path):
    document = sample_export(tmp_path, "hsds-json", "sample.json")
    assert len(json.loads(document.read_text())) == 8000
    result = check(strict_schema, document)
    assert result.returncode == 0, result.stdout[-3000:]

    # The same check finds a property the specification does not name, and a bad status.
    broken = json.loads(document.read_text())[:2]
    broken[0]["service"]["beds"] = 3
    broken[1]["service"]["status"] = "open"
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    result = check(strict_schema, tmp_path / "broken.json")
    assert result.returncode != 0
    assert "'beds' was unexpected" in result.stdout and "'open' is not one of" in result.stdout


@pytest.mark.parametrize("name", ["service_at_location_full.json", "service_full.json",
                                  "organization_full.json"])
def test_the_official_examples_round_trip_valid_strictly(strict_schema, tmp_path, name):
    source = tmp_path / name
    source.write_text(json.dumps(corrected(json.loads((HSDS / "examples" / name).read_text()))))
    native = tmp_path / "examples.csv"
    subprocess.run([BIN, "import", str(source), "-o", str(native)], check=True, capture_output=True)
    exported = tmp_path / "exported.json"
    subprocess.run([BIN, "export", "--data", str(native), "--to", "hsds-json", "-o", str(exported)],
                   check=True, capture_output=True)
    result = check(strict_schema, exported)
    assert result.returncode == 0, result.stdout[-3000:]
    (item,) = json.loads(exported.read_text())
    original = json.loads(source.read_text())
    service = {"service_at_location_full.json": original.get("service"),
               "service_full.json": original,
               "organization_full.json": (original.get("services") or [None])[0]}[name]
    for key in ("contacts", "schedules", "languages", "phones"):
        assert [x["id"] for x in item["service"][key]] == [x["id"] for x in service[key]], key


@pytest.fixture(scope="module")
def server():
    process = subprocess.Popen([BIN, "serve", "--addr", "127.0.0.1:0", "--timeout", "60"],
                               stderr=subprocess.PIPE, text=True)
    url = None
    for line in process.stderr:
        found = re.search(r"serving \d+ facilities on (http://\S+)", line)
        if found:
            url = found.group(1)
            break
    assert url, "the server did not say where it listens"
    # Its log goes on being read, so that a full pipe never stalls it.
    threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
    yield url
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def schemathesis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("schemathesis"), "run", *args, "--max-examples", "25", "--seed", "1",
         "--no-color", "--request-timeout", "60"],
        capture_output=True, text=True, timeout=900)


def test_hsds_answers_conform_to_the_specifications_openapi(server, tmp_path):
    # The specification's OpenAPI names its schemas by URL; the same schemas are here.
    text = (HSDS / "schema" / "openapi.json").read_text().replace(
        "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
        (HSDS / "schema").resolve().as_uri() + "/")
    spec = tmp_path / "openapi.json"
    spec.write_text(text)
    # Positive data only, and the checks its operations can be held to: they document
    # only 200, so carefind's correct 400 and 404 answers have no schema to meet there.
    result = schemathesis(str(spec), "--url", server + "/hsds", "--mode", "positive",
                          "--checks", "response_schema_conformance,content_type_conformance")
    assert result.returncode == 0, result.stdout[-6000:]
    assert "Unresolvable references" not in result.stdout, result.stdout[-3000:]


def test_hsds_answers_conform_to_carefinds_own_openapi(server):
    # Every check, negative data included, against the description carefind serves, which
    # documents every status /hsds answers. One check is left out: a request that gives
    # proximity without postcode is schema-valid (OpenAPI 3.0 cannot say that one
    # parameter needs another) and carefind answers it 400, there being nothing to measure
    # from.
    result = schemathesis(server + "/openapi.json", "--include-path-regex", "^/hsds",
                          "--exclude-checks", "positive_data_acceptance")
    assert result.returncode == 0, result.stdout[-6000:]
