#!/usr/bin/env python3
"""The report as a user sees it: Debian's chromium (headless) opens the HTML that
`candor report` wrote, driven over the DevTools protocol through a pipe
(--remote-debugging-pipe: NUL-separated JSON on fds 3/4; stdlib only, no websocket, no port).

    python3 Tests/Oracle/report_browser.py --html REPORT.html --store STORE.db --shots DIR \
        [--truth VEHICLE=truth.json ...] [--chromium PATH]

Checks, each a failure when broken:
  network   every request the page makes (Network.requestWillBeSent) is the file itself or
            data:; chromium also runs with every host name unresolvable and a dead proxy, so
            nothing could leave even if the page tried (the event still shows the attempt).
  console   no console error, no uncaught exception, no Log error entry.
  svg       every <svg> has a non-empty <title> child.
  tables    the per-vehicle/day table's cells equal the store's figures, read here with
            Python's sqlite3 (km, kWh out/regen, kWh/100 km, SOC start/end, cell max °C, alarms
            by level), each within half a unit of the cell's last decimal.
  smart     the smart-connected page: each vehicle-day row (km, ACC km and h, ACC share of
            km, disengagements, per 1,000 ACC km, AEB activations) equals the store's columns,
            and each event row (time, event, speed, cause) equals a disengagement or AEB
            activation of the day rows' summary_json, read by SQLite's json_each; every store
            event is on the page. With --truth, the rows of that vehicle are also checked against
            the simulator's truth.json: ACC km and h within 1 %, the disengagement and AEB
            counts exact, each event's time within its second (+ the ACC/AEB frames' 20 ms
            period), its speed within the page's rounding + 0.01 km/h, its cause equal.
  pages     a screenshot of each page (section) is taken (PNG written to --shots), decoded
            here, and has at least 1 % non-white pixels and more than 8 distinct colours.
  print     Page.printToPDF gives a PDF with at least as many pages as sections.
stdout: one JSON summary; exit 0 when every check passed, 1 otherwise.
"""
import argparse
import base64
import calendar
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib


class Browser:
    def __init__(self, chromium, profile, log):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--proxy-server=127.0.0.1:9", "--window-size=1280,1000", "about:blank"],
            # fds 3 and 4 are made by `fds` after the fork; listed so that they stay open.
            pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL, stderr=log)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self, deadline):
        import select
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self.from_child], [], [], left)
            if ready:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.append(self.read(deadline))

    def close(self):
        try:
            os.write(self.to_child, json.dumps({"id": 999999, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()


def png_pixels(data):
    """Decodes an 8-bit RGB/RGBA PNG (what chromium writes): (width, height, channels, rows)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"PNG depth {depth} colour {colour}"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 255
        elif f == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def store_days(store):
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    days = {}
    for row in db.execute("""SELECT vehicle, start, distance_km, traction_energy_kwh, regen_energy_kwh, kwh_per_100km,
                                    soc_start, soc_end, max_cell_temp_c, soc_min, soc_max, average_speed_kmh,
                                    charges, charge_energy_kwh, hydrogen_kg, hydrogen_kg_per_100km, ambient_temp_c
                             FROM operations WHERE scope = 'day'"""):
        vehicle, start = row[0], row[1]
        days[(vehicle, start)] = {"km": row[2], "kWh out": row[3], "kWh regen": row[4], "kWh/100 km": row[5],
                                  "SOC start %": row[6], "SOC end %": row[7], "cell max °C": row[8],
                                  "SOC min %": row[9], "SOC max %": row[10], "avg speed km/h": row[11],
                                  "charges": row[12], "charge kWh": row[13],
                                  "H₂ kg": row[14], "H₂ kg/100 km": row[15], "ambient °C": row[16],
                                  "alarms L1": 0, "alarms L2": 0, "alarms L3": 0}
    for vehicle, level, start in db.execute("SELECT vehicle, level, start FROM fault_episode"):
        for (v, day_start), figures in days.items():
            if v == vehicle and day_start <= start < day_start + 86400 * 10**9 and 1 <= level <= 3:
                figures[f"alarms L{level}"] += 1
    return days


def store_assistance(store):
    """The smart-connected figures of every day row that has them (store schema 5), and every
    disengagement and AEB activation of the day rows' summary_json (SQLite's json_each), by
    (vehicle, t, kind)."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    columns = {row[1] for row in db.execute("PRAGMA table_info(operations)")}
    days, events = {}, {}
    if "acc_engaged_km" not in columns:
        return days, events
    for vehicle, start, distance, km, seconds, disengagements, per1000, aeb in db.execute(
            """SELECT vehicle, start, distance_km, acc_engaged_km, acc_engaged_s, disengagements,
                      disengagements_per_1000km, aeb_events
               FROM operations WHERE scope = 'day' AND (acc_engaged_km IS NOT NULL OR disengagements IS NOT NULL)"""):
        days[(vehicle, start)] = {"km": distance, "ACC km": km, "ACC h": None if seconds is None else seconds / 3600,
                                  "ACC share of km %": None if km is None or not distance else km / distance * 100,
                                  "disengagements": disengagements, "per 1,000 ACC km": per1000, "AEB activations": aeb}
    for vehicle, kind, t, speed, cause in db.execute(
            """SELECT o.vehicle, 'disengagement', json_extract(e.value, '$.t'), json_extract(e.value, '$.speed_kmh'),
                      json_extract(e.value, '$.cause')
               FROM operations o, json_each(o.summary_json, '$.disengagements') e WHERE o.scope = 'day'
               UNION ALL
               SELECT o.vehicle, 'AEB activation', json_extract(e.value, '$.t'), json_extract(e.value, '$.speed_kmh'), ''
               FROM operations o, json_each(o.summary_json, '$.aeb_events') e WHERE o.scope = 'day'"""):
        events[(vehicle, t, kind)] = {"speed km/h": speed, "cause": cause}
    return days, events


def truth_assistance(spec):
    """VEHICLE=truth.json → (vehicle, its truth): ACC km and s, disengagements, AEB events."""
    vehicle, path = spec.split("=", 1)
    with open(path) as f:
        return vehicle, json.load(f)


def check_truth(vehicle, truth, smart_rows, event_rows, failures):
    """The smart-connected rows of `vehicle` against the simulator's truth; the count of
    values compared."""
    compared = 0
    rows = [r for r in smart_rows if r["vehicle"] == vehicle]
    if len(rows) != 1:
        failures.append(f"truth: {len(rows)} smart-connected day rows for {vehicle}, expected 1 (one simulated day)")
        return compared
    row = rows[0]

    def within(column, expected, tolerance):
        nonlocal compared
        compared += 1
        cell = row[column]
        decimals = len(cell.split(".")[1]) if "." in cell else 0
        try:
            ok = abs(float(cell) - expected) <= 0.5 * 10 ** -decimals + tolerance
        except ValueError:
            ok = False
        if not ok:
            failures.append(f"truth: {vehicle} {column}: page {cell!r}, truth {expected!r} ± {tolerance!r}")

    # Engaged distance and time: the gateway integrates between frames while the last ACC
    # frame said engaged, truth over the model's 10 ms steps (1 %, as TelemetryAgreementTests).
    within("ACC km", truth["acc_engaged_km"], 0.01 * truth["acc_engaged_km"])
    within("ACC h", truth["acc_engaged_s"] / 3600, 0.01 * truth["acc_engaged_s"] / 3600)
    within("disengagements", len(truth["disengagements"]), 0)
    within("AEB activations", len(truth["aeb_events"]), 0)
    expected = sorted([(d["t"], "disengagement", d["speed_kmh"], d["cause"]) for d in truth["disengagements"]]
                      + [(e["t"], "AEB activation", e["speed_kmh"], "") for e in truth["aeb_events"]])
    shown = [r for r in event_rows if r["vehicle"] == vehicle]
    if len(shown) != len(expected):
        failures.append(f"truth: {vehicle}: {len(shown)} events on the page, {len(expected)} in truth")
    for r, (t, kind, speed, cause) in zip(shown, expected):
        compared += 1
        second = calendar.timegm(time.strptime(r["time (UTC)"][:19], "%Y-%m-%d %H:%M:%S"))
        decimals = len(r["speed km/h"].split(".")[1]) if "." in r["speed km/h"] else 0
        try:
            speed_ok = abs(float(r["speed km/h"]) - speed) <= 0.5 * 10 ** -decimals + 0.01
        except ValueError:
            speed_ok = False
        # The event is at the first ACC/AEB frame that shows it (20 ms period), shown to the second.
        if not (second - 0.02 <= t < second + 1) or r["event"] != kind or not speed_ok or r["cause"] != cause:
            failures.append(f"truth: {vehicle} page {r} vs truth t={t} {kind} {speed} km/h {cause!r}")
    return compared


def close_enough(cell, expected):
    if expected is None:
        return cell == "–"
    if isinstance(expected, str):
        return cell == expected
    decimals = len(cell.split(".")[1]) if "." in cell else 0
    try:
        return abs(float(cell) - expected) <= 0.5 * 10 ** -decimals + 1e-9
    except ValueError:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--html", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--truth", action="append", default=[], metavar="VEHICLE=truth.json",
                        help="check that vehicle's smart-connected rows against the simulator's truth")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    failures, summary = [], {}
    profile = tempfile.mkdtemp(prefix="candor-report-chromium-")
    log = open(os.path.join(profile, "chromium.log"), "wb")
    browser = Browser(args.chromium, profile, log)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            browser.send(domain + ".enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = "file://" + os.path.abspath(args.html)
        browser.events.clear()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_event("Page.loadEventFired")

        def js(expression):
            result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
            if "exceptionDetails" in result:
                raise RuntimeError(f"evaluate: {result['exceptionDetails']}")
            return result["result"].get("value")

        # Let any late request or console message arrive: a round trip after the load.
        js("new Promise(r => setTimeout(r, 200))")
        requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
        outside = [u for u in requests if not (u == url or u.startswith("data:"))]
        summary["requests"] = len(requests)
        if not requests:
            failures.append("network: no request seen at all (the check is not watching)")
        if outside:
            failures.append(f"network: requests leave the file: {outside[:5]}")
        errors = [e for e in browser.events if
                  (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
                  or e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
        summary["console_errors"] = len(errors)
        if errors:
            failures.append(f"console: {json.dumps(errors[:3])[:500]}")

        svgs = js("""[...document.querySelectorAll('svg')].map(s => {
                       const t = [...s.children].find(c => c.tagName === 'title');
                       return t ? t.textContent.trim() : ''; })""")
        summary["svgs"] = len(svgs)
        untitled = [i for i, t in enumerate(svgs) if not t]
        if not svgs:
            failures.append("svg: the report has no chart")
        if untitled:
            failures.append(f"svg: {len(untitled)} charts without a title")

        table = js("""(() => { const t = document.getElementById('vehicle-days'); if (!t) return null;
                       const heads = [...t.tHead.rows[0].cells].map(c => c.textContent);
                       return [...t.tBodies[0].rows].map(r => Object.fromEntries([...r.cells].map((c, i) => [heads[i], c.textContent]))); })()""")
        days = store_days(args.store)
        summary["table_rows"] = len(table or [])
        compared = 0
        if table is None or len(table) != len(days):
            failures.append(f"tables: {len(table or [])} rows in the page, {len(days)} day rows in the store")
        for row in table or []:
            matches = [f for (v, start), f in days.items() if v == row["vehicle"]
                       and time.strftime("%Y-%m-%d", time.gmtime(start // 10**9 + 43200)) == row["date"]]
            if len(matches) != 1:
                failures.append(f"tables: no store row for {row['vehicle']} {row['date']}")
                continue
            for column, expected in matches[0].items():
                cell = row[column]
                if expected is None:
                    ok = cell == "–"
                else:
                    decimals = len(cell.split(".")[1]) if "." in cell else 0
                    try:
                        ok = abs(float(cell) - expected) <= 0.5 * 10 ** -decimals + 1e-9
                    except ValueError:
                        ok = False
                compared += 1
                if not ok:
                    failures.append(f"tables: {row['vehicle']} {row['date']} {column}: page {cell!r}, store {expected!r}")
        summary["cells_compared"] = compared

        # The smart-connected page: its tables against the store's columns and summary_json.
        def page_table(table_id):
            return js(f"""(() => {{ const t = document.getElementById('{table_id}'); if (!t) return null;
                       const heads = [...t.tHead.rows[0].cells].map(c => c.textContent);
                       return [...t.tBodies[0].rows].map(r => Object.fromEntries([...r.cells].map((c, i) => [heads[i], c.textContent]))); }})()""")
        assistance_days, assistance_events = store_assistance(args.store)
        smart_rows, smart_compared = page_table("assistance-days") or [], 0
        if len(smart_rows) != len(assistance_days):
            failures.append(f"smart: {len(smart_rows)} day rows in the page, {len(assistance_days)} in the store")
        for row in smart_rows:
            matches = [f for (v, start), f in assistance_days.items() if v == row["vehicle"]
                       and time.strftime("%Y-%m-%d", time.gmtime(start // 10**9 + 43200)) == row["date"]]
            if len(matches) != 1:
                failures.append(f"smart: no store row for {row['vehicle']} {row['date']}")
                continue
            for column, expected in matches[0].items():
                smart_compared += 1
                if not close_enough(row[column], expected):
                    failures.append(f"smart: {row['vehicle']} {row['date']} {column}: page {row[column]!r}, store {expected!r}")
        event_rows = page_table("assistance-events") or []
        if len(event_rows) != len(assistance_events):
            failures.append(f"smart: {len(event_rows)} events in the page, {len(assistance_events)} in the store")
        for row in event_rows:
            matches = [f for (v, t, kind), f in assistance_events.items() if v == row["vehicle"] and kind == row["event"]
                       and time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(t))) == row["time (UTC)"][:19]]
            if len(matches) != 1:
                failures.append(f"smart: no store event for {row}")
                continue
            for column, expected in matches[0].items():
                smart_compared += 1
                if not close_enough(row[column], expected):
                    failures.append(f"smart: {row['vehicle']} {row['time (UTC)']} {column}: page {row[column]!r}, store {expected!r}")
        summary["smart_rows"] = len(smart_rows)
        summary["smart_events"] = len(event_rows)
        summary["smart_cells_compared"] = smart_compared
        summary["smart_event_causes"] = sorted({r["cause"] for r in event_rows if r["event"] == "disengagement"})
        truth_compared = 0
        for spec in args.truth:
            vehicle, truth = truth_assistance(spec)
            truth_compared += check_truth(vehicle, truth, smart_rows, event_rows, failures)
        summary["truth_values_compared"] = truth_compared

        sections = js("[...document.querySelectorAll('section.page')].map(s => { const r = s.getBoundingClientRect(); "
                      "return {id: s.id, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; })")
        os.makedirs(args.shots, exist_ok=True)
        shots = {}
        for s in sections:
            clip = {"x": s["x"], "y": s["y"], "width": max(s["w"], 1), "height": min(max(s["h"], 1), 2400), "scale": 0.5}
            png = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session=session)["data"])
            with open(os.path.join(args.shots, s["id"] + ".png"), "wb") as f:
                f.write(png)
            width, height, channels, rows = png_pixels(png)
            inked, colours = 0, set()
            for line in rows[::2]:
                for i in range(0, len(line), channels * 2):
                    pixel = bytes(line[i:i + 3])
                    if pixel != b"\xff\xff\xff":
                        inked += 1
                    if len(colours) < 64:
                        colours.add(pixel)
            share = inked / max(1, ((height + 1) // 2) * ((width + 1) // 2))
            shots[s["id"]] = {"width": width, "height": height, "inked": round(share, 4), "colours": len(colours)}
            if share < 0.01 or len(colours) <= 8:
                failures.append(f"pages: {s['id']} looks blank ({share:.4f} inked, {len(colours)} colours)")
        summary["pages"] = shots
        if not sections:
            failures.append("pages: no section.page in the report")

        pdf = base64.b64decode(browser.send("Page.printToPDF", {"printBackground": True}, session=session, timeout=60)["data"])
        pdf_pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        summary["pdf_bytes"] = len(pdf)
        summary["pdf_pages"] = pdf_pages
        if not pdf.startswith(b"%PDF") or pdf_pages < len(sections):
            failures.append(f"print: {pdf_pages} PDF pages for {len(sections)} sections")
    except Exception as error:  # a protocol failure is a failed check, with its reason
        failures.append(f"browser: {type(error).__name__}: {error}")
    finally:
        browser.close()
        log.close()
        if failures:
            with open(os.path.join(profile, "chromium.log"), "rb") as f:
                summary["chromium_log_tail"] = f.read()[-2000:].decode(errors="replace")
        subprocess.run(["rm", "-rf", profile], check=False)
    summary["failures"] = failures
    print(json.dumps(summary, indent=1, sort_keys=True))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
