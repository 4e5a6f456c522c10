#!/usr/bin/env python3
"""Opens an HTML report in headless Chromium through the DevTools protocol (over
--remote-debugging-pipe, so only the Python standard library is needed) and checks that it loads
with no console errors, no exceptions, no CSP violations and no network requests. Saves a PNG
screenshot and a PDF print of the page.

    report_browser.py REPORT.html SHOT.png [PDF]

First checks itself on a page that does make a request and log an error, so a checker that sees
nothing cannot pass. Exit status 0 when the report is clean.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60


class Browser:
    def __init__(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            sys.exit("chromium not found (Debian package chromium; scripts/ensure-deps.sh)")
        self.profile = tempfile.mkdtemp(prefix="dunwatch-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            # Chromium reads commands from fd 3 and writes answers to fd 4. Copy first: a pipe
            # end may already sit on 3 or 4 with close-on-exec set, which dup2 onto itself keeps.
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--no-default-browser-check", "--disable-sync",
                "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=wire, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        while True:
            m = self.read()
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def read(self, deadline=None):
        deadline = deadline or time.time() + TIMEOUT
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, method, session):
        for i, e in enumerate(self.events):
            if e.get("method") == method and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self.read()
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def check(browser, path, shot=None, pdf=None):
    """Loads `path`; returns (errors, requests)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session=s)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
                 session=s)
    url = "file://" + os.path.abspath(path)
    browser.events.clear()
    browser.send("Page.navigate", {"url": url}, session=s)
    browser.wait_event("Page.loadEventFired", s)
    # Let late requests and console messages arrive.
    browser.send("Runtime.evaluate", {"expression": "1"}, session=s)
    time.sleep(0.5)
    browser.send("Runtime.evaluate", {"expression": "1"}, session=s)
    errors, requests = [], []
    for e in browser.events:
        if e.get("sessionId") != s:
            continue
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent":
            u = p["request"]["url"]
            if u != url and not u.startswith("data:"):
                requests.append(u)
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            errors.append("console: " + " ".join(str(a.get("value")) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            errors.append("exception: " + p["exceptionDetails"].get("text", ""))
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            errors.append(f"log ({p['entry']['source']}): {p['entry']['text']}")
    if shot:
        data = browser.send("Page.captureScreenshot",
                            {"format": "png", "captureBeyondViewport": True}, session=s)["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(data))
    if pdf:
        data = browser.send("Page.printToPDF", {"preferCSSPageSize": True}, session=s)["data"]
        with open(pdf, "wb") as f:
            f.write(base64.b64decode(data))
    browser.send("Target.closeTarget", {"targetId": target})
    return errors, requests


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    report, shot = sys.argv[1], sys.argv[2]
    pdf = sys.argv[3] if len(sys.argv) > 3 else None
    browser = Browser()
    try:
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "selftest.html")
            with open(bad, "w") as f:
                f.write('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
                        '<script>console.error("selftest")</script></body></html>')
            errors, requests = check(browser, bad)
            if not errors or not requests:
                print(f"checker self-test failed: errors={errors} requests={requests}")
                return 1
        errors, requests = check(browser, report, shot, pdf)
    finally:
        browser.close()
    for e in errors:
        print("ERROR", e)
    for r in requests:
        print("REQUEST", r)
    if errors or requests:
        return 1
    size = os.path.getsize(shot)
    if size < 10_000:
        print(f"screenshot {shot} is only {size} bytes")
        return 1
    print(f"report loads cleanly: no console errors, no network requests; screenshot {shot} "
          f"({size} bytes)" + (f", PDF {pdf} ({os.path.getsize(pdf)} bytes)" if pdf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
