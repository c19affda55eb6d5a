"""Travel times from Python: by transit on a small feed whose answers are worked out by
hand (a change of trains, a day's calendar, hours at the arrival), on the real New York
City subway against the command line, and by drive time against the command line. The
real-data tests need ../shared/gtfs and ../shared/osm (or $CAREFIND_GTFS, $CAREFIND_OSM)
and $CAREFIND_BIN (or target/debug/carefind)."""

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import carefind
from _resources import missing

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def cli():
    binary = os.environ.get("CAREFIND_BIN", str(REPO / "target" / "debug" / "carefind"))
    if not Path(binary).exists():
        missing(f"no carefind binary at {binary} (set CAREFIND_BIN)")
    return binary


def shared(variable, name, file):
    path = Path(os.environ.get(variable, REPO.parent / "shared" / name)) / file
    if not path.exists():
        missing(f"{path} not found (set {variable})")
    return path


# A line A - B - C along a meridian, about 1.1 km apart, and a second line from B to D.
STOPS = {"A": (40.700, -73.950), "B": (40.710, -73.950), "C": (40.720, -73.950), "D": (40.710, -73.930)}


def write_feed(directory: Path) -> Path:
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nX,X,https://example.org,America/New_York\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
        + "".join(f"{s},{s},{lat},{lon}\n" for s, (lat, lon) in STOPS.items()),
        "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,X,1,3\nR2,X,2,3\n",
        # Weekdays only.
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20260901,20260930\n",
        "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\nR2,WK,U1\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T1,08:00:00,08:00:00,A,1\nT1,08:05:00,08:05:00,B,2\nT1,08:10:00,08:10:00,C,3\n"
        "T2,08:30:00,08:30:00,A,1\nT2,08:35:00,08:35:00,B,2\nT2,08:40:00,08:40:00,C,3\n"
        "U1,08:09:00,08:09:00,B,1\nU1,08:15:00,08:15:00,D,2\n",
        # Changing at B takes 3 minutes: the 08:05 arrival makes the 08:09 departure.
        "transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nB,B,2,180\n",
    }
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def facilities():
    rows = [
        ("at-c", "At C", *STOPS["C"], "outpatient", ""),
        ("at-d", "At D", *STOPS["D"], "outpatient", "Mo-Fr 08:00-17:00"),
        ("at-d-late", "At D, opens at noon", *STOPS["D"], "outpatient", "Mo-Fr 12:00-17:00"),
    ]
    frame = pd.DataFrame(rows, columns=["id", "name", "lat", "lon", "care", "hours"])
    frame["timezone"] = "America/New_York"
    return carefind.Index.from_frame(frame)


def test_transit_answers_a_hand_worked_timetable(tmp_path):
    timetable = carefind.Timetable.load(str(write_feed(tmp_path)))
    assert timetable.time_zone == "America/New_York"
    assert timetable.modes == ["bus"]
    assert timetable.service_span == ("2026-09-01", "2026-09-30")
    # From stop A on Tuesday 15 September at 07:58, walking nothing.
    lat, lon = STOPS["A"]
    rows = carefind.travel_times(
        facilities(), [lat], [lon], timetable=timetable, depart="2026-09-15T07:58",
        max_walk="5min",
    ).set_index("id")
    # C: T1 at 08:00, there at 08:10 (12 minutes), one ride.
    assert rows.loc["at-c", "minutes"] == 12.0
    assert rows.loc["at-c", "rides"] == 1
    assert rows.loc["at-c", "arrive"] == "2026-09-15T08:10:00-04:00"
    assert rows.loc["at-c", "open_at_arrival"] == "unknown"
    # D: T1 to B at 08:05, change (3 minutes) to U1 at 08:09, there at 08:15.
    assert rows.loc["at-d", "minutes"] == 17.0
    assert (rows.loc["at-d", "rides"], rows.loc["at-d", "transfers"]) == (2, 1)
    assert rows.loc["at-d", "open_at_arrival"] == "yes"
    # The one that opens at noon is closed at 08:15: not reached.
    assert "at-d-late" not in rows.index
    # Leaving after the last useful trip, D is out of reach; on a Saturday nothing runs.
    later = carefind.travel_times(
        facilities(), [lat], [lon], timetable=timetable, depart="2026-09-15T08:20", max_walk="5min",
    )
    assert set(later["id"]) == {"at-c"}
    saturday = carefind.travel_times(
        facilities(), [lat], [lon], timetable=timetable, depart="2026-09-19T07:58", max_walk="5min",
    )
    assert saturday.empty
    # Over a 10-minute window from 07:55, C takes 15, 14, ..., 10 minutes (the 08:00 trip)
    # and then 39, 38, 37, 36 (the 08:30 one): by the nearest rank, the median of the ten
    # is the fifth, 14, and the 100th percentile 39.
    window = carefind.travel_times(
        facilities(), [lat], [lon], timetable=timetable, depart="2026-09-15T07:55",
        window="10min", percentile=100, max_walk="5min",
    ).set_index("id")
    assert window.loc["at-c", "reached_share"] == 1.0
    assert window.loc["at-c", "percentile_minutes"] == 39.0
    assert window.loc["at-c", "minutes"] == 14.0


def test_a_bad_feed_and_bad_arguments_raise_naming_what(tmp_path):
    feed = write_feed(tmp_path)
    (feed / "stop_times.txt").write_text("trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,8 o'clock,08:00:00,A,1\n")
    with pytest.raises(carefind.CarefindError) as raised:
        carefind.Timetable.load(str(feed))
    assert raised.value.file == "stop_times.txt"
    assert raised.value.line == 2
    timetable = carefind.Timetable.load(str(write_feed(tmp_path)))
    index = facilities()
    with pytest.raises(carefind.CarefindError, match="no trip runs on 2027-01-05"):
        carefind.travel_times(index, [40.7], [-73.95], timetable=timetable, depart="2027-01-05T08:00")
    with pytest.raises(carefind.CarefindError, match="open_at: cannot be used with by='transit'"):
        carefind.travel_times(
            index, [40.7], [-73.95], timetable=timetable, depart="2026-09-15T08:00", open_at="2026-09-15T09:00"
        )
    with pytest.raises(carefind.CarefindError, match="needs timetable= and depart="):
        carefind.travel_times(index, [40.7], [-73.95])


def nyc_facilities(tmp_path):
    directory = shared("CAREFIND_DATASETS", "datasets", "samhsa_su_directory_2022_geo.csv")
    out = tmp_path / "su.csv"
    done = subprocess.run([cli(), "import", "--lenient", str(directory), "-o", str(out)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    lat, lon = frame["lat"].astype(float), frame["lon"].astype(float)
    nyc = frame[lon.between(-74.27, -73.68) & lat.between(40.49, 40.92)]
    path = tmp_path / "nyc.csv"
    nyc.to_csv(path, index=False)
    return path


def test_transit_on_the_new_york_subway_answers_as_the_command_line(tmp_path):
    feed = shared("CAREFIND_GTFS", "gtfs", "nyc_subway_gtfs.zip")
    data = nyc_facilities(tmp_path)
    done = subprocess.run(
        [cli(), "find", "--near", "40.8116,-73.9465", "--by", "transit", "--gtfs", str(feed),
         "--depart", "2026-09-15T07:30", "--within", "45min", "--care", "otp", "--data", str(data),
         "--all", "--format", "json"],
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()
    expected = json.loads(done.stdout)
    index = carefind.Index.from_csv(str(data))
    timetable = carefind.Timetable.load(str(feed))
    rows = carefind.travel_times(
        index, [40.8116], [-73.9465], timetable=timetable, depart="2026-09-15T07:30", within="45min", care="otp",
    )
    assert len(rows) == len(expected) > 20
    assert rows["id"].tolist() == [row["id"] for row in expected]
    for minutes, row in zip(rows["minutes"], expected):
        assert abs(minutes - row["travel_min"]) <= 0.05 + 1e-9
    assert rows["rides"].tolist() == [row["rides"] for row in expected]


def test_drive_times_answer_as_the_command_line(tmp_path):
    osm = shared("CAREFIND_OSM", "osm", "helsinki.osm.pbf")
    net, data = tmp_path / "helsinki.net", tmp_path / "amenities.csv"
    for args in (["network", "build", "--osm", str(osm), "-o", str(net)],
                 ["network", "amenities", "--osm", str(osm), "-o", str(data)]):
        done = subprocess.run([cli(), *args], capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
    done = subprocess.run(
        [cli(), "find", "--near", "60.170,24.941", "--by", "drive-time", "--network", str(net),
         "--data", str(data), "--limit", "5", "--format", "json"],
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()
    expected = json.loads(done.stdout)
    index = carefind.Index.from_csv(str(data))
    rows = carefind.travel_times(
        index, [60.170], [24.941], by="drive", network=carefind.Network.load(str(net)), k=5,
    )
    assert rows["id"].tolist() == [row["id"] for row in expected]
    for minutes, row in zip(rows["minutes"], expected):
        assert abs(minutes * 60 - row["drive_time_s"]) < 1.0
