#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol over --remote-debugging-pipe (no websocket
library, no node: stdlib only) against a running `dialtone demo` dashboard.

usage: dashboard_browser.py URL PHONES TFTP_PORT FILE OUT_DIR

Checks, in order, each printed as `ok ...` or raising:
  1. the Devices table fills with PHONES rows while the demo runs;
  2. a TFTP transfer's progress bar moves: a slow reader (one ACK every 80 ms) fetches FILE from the demo's
     TFTP server while the TFTP tab is open, and the bar's width must grow across the page's refreshes;
  3. the Log tab shows live lines (server-sent events), the pause box freezes it, the filter narrows it;
  4. the Syslog tab lists each phone's syslog line, tied to its MAC;
  5. the DHCP tab's pool bar counts one address per phone.
Screenshots (desktop and phone width) go to OUT_DIR.
"""
import base64, json, os, socket, struct, subprocess, sys, tempfile, threading, time

URL, PHONES, TFTP_PORT, FILE, OUT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]


class Browser:
    """CDP over two pipes: Chromium reads commands on fd 3 and writes replies on fd 4, NUL-separated."""

    def __init__(self):
        cmd_r, self.cmd_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="dialtone-chromium-")

        def wire():  # in the child: the pipes become fds 3 and 4 (kept open through pass_fds below)
            r, w = os.dup(cmd_r), os.dup(resp_w)  # first out of the way, in case either already is 3 or 4
            os.dup2(r, 3)
            os.dup2(w, 4)

        # Quiet flags: no update checks, sync or metrics, so the browser sends nothing beyond the dashboard
        # (the test also runs it in a namespace that has only loopback).
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
             "--metrics-recording-only", "--disable-dev-shm-usage", "about:blank"],
            preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(resp_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def call(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            chunk = os.read(self.resp_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        raise RuntimeError(f"{method}: no reply in {timeout} s")

    def open(self, url):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.viewport(1280, 900, False)
        self.call("Page.navigate", {"url": url})

    def viewport(self, width, height, mobile):
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, name):
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        print(f"   screenshot {path}")

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        subprocess.run(["rm", "-rf", self.profile])


def wait_for(what, probe, timeout):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what}: not seen in {timeout} s (last: {last})")


def slow_tftp_read(port, name, pause):
    """RFC 1350 read with blksize 512 and no options, one ACK every `pause` seconds: a transfer that lasts."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"\0\1" + name.encode() + b"\0octet\0", ("127.0.0.1", port))
    total, expected = 0, 1
    while True:
        data, peer = s.recvfrom(600)
        opcode, block = struct.unpack("!HH", data[:4])
        if opcode != 3:
            raise RuntimeError(f"TFTP error {data!r}")
        if block == expected:
            total += len(data) - 4
            expected = (expected + 1) & 0xFFFF
        time.sleep(pause)
        s.sendto(struct.pack("!HH", 4, block), peer)
        if len(data) - 4 < 512:
            return total


def tab(browser, name):
    browser.js(f"[...document.querySelectorAll('nav button')].find(b => b.textContent === '{name}').click()")


browser = Browser()
try:
    browser.open(URL)
    rows = wait_for("devices table rows", lambda: (browser.js("document.querySelectorAll('#devices tr').length") or 1) - 1 >= PHONES and
                    browser.js("document.querySelectorAll('#devices tr').length") - 1, 120)
    print(f"ok devices table filled: {rows} rows")
    wait_for("every phone provisioned", lambda: browser.js(
        "[...document.querySelectorAll('#devices tr')].slice(1).every(r => r.cells[2].textContent === 'provisioned')"), 120)
    print("ok every row reads provisioned")
    browser.screenshot("dashboard-devices.png")

    tab(browser, "TFTP")
    reader = threading.Thread(target=lambda: print(f"   slow reader got {slow_tftp_read(TFTP_PORT, FILE, 0.08)} bytes"))
    reader.start()
    widths = []
    deadline = time.time() + 30
    while reader.is_alive() and time.time() < deadline:
        width = browser.js(f"""(() => {{ const row = [...document.querySelectorAll('#active tr')].find(r => r.cells[1] && r.cells[1].textContent === '{FILE}');
            return row ? parseFloat(row.querySelector('.progress').style.width) : null; }})()""")
        if width is not None and (not widths or widths[-1] != width):
            widths.append(width)
            if len(widths) == 2:
                browser.screenshot("dashboard-tftp-progress.png")
        time.sleep(0.25)
    reader.join()
    print(f"   progress bar widths seen: {widths}")
    assert len(widths) >= 2 and widths == sorted(widths) and widths[0] < widths[-1], "the progress bar did not move"
    print("ok a transfer's progress bar moved")

    tab(browser, "Log")
    count = wait_for("live log lines", lambda: (browser.js("document.querySelectorAll('#log tr').length") or 1) - 1, 10)
    assert browser.js("[...document.querySelectorAll('#log td')].some(c => c.textContent === 'tftp.transfer.completed')"), "no transfer in the log"
    print(f"ok the Log tab shows {count} live lines")
    # Pause freezes the view while events keep coming; unpausing shows them. A TFTP read of a missing file
    # makes a fresh `tftp.request.refused` line.
    def missing_file_request(name):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(b"\0\1" + name.encode() + b"\0octet\0", ("127.0.0.1", TFTP_PORT))
        s.recvfrom(600)
    browser.js("document.getElementById('pause').click()")
    time.sleep(0.5)  # let a draw already in flight finish
    missing_file_request("paused-probe.bin")
    time.sleep(1.5)
    assert not browser.js("document.getElementById('log').textContent.includes('paused-probe.bin')"), "a paused log still moved"
    browser.js("document.getElementById('pause').click()")
    wait_for("the line logged during the pause", lambda: browser.js("document.getElementById('log').textContent.includes('paused-probe.bin')"), 5)
    print("ok pause freezes the live log, unpausing catches up")
    browser.js("(() => { const f = document.getElementById('filter'); f.value = 'paused-probe'; f.dispatchEvent(new Event('input')); })()")
    wait_for("the filter leaving one row", lambda: browser.js("document.querySelectorAll('#log tr').length") - 1 == 1, 5)
    print("ok the filter narrows the log to the matching line")
    browser.js("(() => { const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); })()")
    tab(browser, "Syslog")
    rows = wait_for("a syslog line per phone", lambda: (browser.js("document.querySelectorAll('#syslog tr').length") or 1) - 1 >= PHONES and
                    browser.js("document.querySelectorAll('#syslog tr').length") - 1, 10)
    tied = browser.js("[...document.querySelectorAll('#syslog tr')].slice(1).filter(r => /^00:1e:7a:/.test(r.cells[1].textContent) && r.cells[5].textContent.includes('registered, running SIP70.9-2-1S')).length")
    assert tied >= PHONES, f"only {tied} syslog rows tied to a phone's MAC with its registration line"
    print(f"ok the Syslog tab lists {rows} lines, each tied to its phone")
    browser.screenshot("dashboard-syslog.png")
    tab(browser, "DHCP")
    used = wait_for("the pool bar", lambda: browser.js("(() => { const r = document.querySelector('#pools tr:nth-child(2)'); return r && r.cells[2].textContent; })()"), 10)
    assert used.startswith(f"{PHONES} / "), f"pool usage reads {used!r}, expected {PHONES} leases"
    print(f"ok the DHCP tab's pool bar reads {used}")
    browser.screenshot("dashboard-dhcp.png")
    browser.viewport(390, 844, True)
    tab(browser, "Devices")
    time.sleep(1)
    browser.screenshot("dashboard-phone-width.png")
finally:
    browser.close()
