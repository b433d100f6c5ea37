#!/usr/bin/env python3
"""Drives headless Chromium (cdp.py) against a running `dialtone demo` dashboard.

usage: dashboard_browser.py URL PHONES TFTP_PORT FILE OUT_DIR

Checks, in order, each printed as `ok ...` or raising:
  1. the Devices table fills with PHONES rows while the demo runs; each row shows its ladder step, the site
     view charts DHCP and TFTP activity, and a device's timeline is drawn as lanes;
  2. a TFTP transfer's progress bar moves: a slow reader (one ACK every 80 ms) fetches FILE from the demo's
     TFTP server while the TFTP tab is open, and the bar's width must grow across the page's refreshes;
  3. the Log tab shows live lines (server-sent events), the pause box freezes it, the filter narrows it;
  4. the Syslog tab lists each phone's syslog line, tied to its MAC;
  5. the DHCP tab's pool bar counts one address per phone.
Screenshots (desktop and phone width) go to OUT_DIR.
"""
import os, re, socket, struct, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, tab, wait_for  # noqa: E402

URL, PHONES, TFTP_PORT, FILE, OUT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]


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


browser = Browser(OUT)
try:
    browser.open(URL)
    rows = wait_for("devices table rows", lambda: (browser.js("document.querySelectorAll('#devices tr').length") or 1) - 1 >= PHONES and
                    browser.js("document.querySelectorAll('#devices tr').length") - 1, 120)
    print(f"ok devices table filled: {rows} rows")
    wait_for("every phone provisioned", lambda: browser.js(
        "[...document.querySelectorAll('#devices tr')].slice(1).every(r => r.cells[2].textContent === 'provisioned')"), 120)
    print("ok every row reads provisioned")
    # Per-device progress: each phone's ladder step, from its provisioning state and the demo's ladder.
    steps = browser.js("[...document.querySelectorAll('#devices tr')].slice(1).map(r => r.cells[3].textContent)")
    assert all(re.match(r"step (\d+) of \1", t) for t in steps), f"progress column reads {steps}"
    print(f"ok the progress column reads {steps[0]!r} for every phone")
    # The site view: three charts of the last minutes, drawn from /api/activity (sampled every 2 s).
    def chart_max(name):
        caption = browser.js(f"(() => {{ const f = document.getElementById('{name}'); return f ? f.querySelector('figcaption').textContent : null; }})()")
        points = browser.js(f"(() => {{ const p = document.querySelector('#{name} polyline'); return p ? p.getAttribute('points').split(' ').length : 0; }})()")
        found = re.search(r"max ([0-9.]+)", caption or "")
        return float(found.group(1)) if found and points >= 2 else None
    dhcp_max = wait_for("the DHCP chart", lambda: chart_max("chart-dhcp"), 20)
    tftp_max = wait_for("the TFTP chart to show the phones' downloads", lambda: (chart_max("chart-tftp") or 0) > 0 and chart_max("chart-tftp"), 20)
    assert chart_max("chart-transfers") is not None, "no active-transfers chart"
    print(f"ok the site view charts DHCP (max {dhcp_max}/s) and TFTP (max {tftp_max} MB/s) with 2 or more samples")
    browser.screenshot("dashboard-devices.png")
    # A device's timeline drawn as lanes: DHCP, TFTP, reboots and the ladder, syslog.
    browser.js("document.querySelectorAll('#devices tr')[1].click()")
    counts = wait_for("the device's lanes", lambda: browser.js(
        "(() => { const s = document.getElementById('lanes'); return s && [0, 1, 2, 3].map(i => s.querySelectorAll('circle.lane' + i).length); })()"), 10)
    assert all(c > 0 for c in counts), f"marks per lane (DHCP, TFTP, reboot/ladder, syslog): {counts}"
    print(f"ok a device's timeline is drawn as lanes: {counts} marks (DHCP, TFTP/HTTP, reboot/ladder, syslog)")
    browser.screenshot("dashboard-device-lanes.png")

    tab(browser, "TFTP")
    reader = threading.Thread(target=lambda: print(f"   slow reader got {slow_tftp_read(TFTP_PORT, FILE, 0.08)} bytes"))
    reader.start()
    widths, sizes = [], set()
    deadline = time.time() + 30
    while reader.is_alive() and time.time() < deadline:
        seen = browser.js(f"""(() => {{ const row = [...document.querySelectorAll('#active tr')].find(r => r.cells[1] && r.cells[1].textContent === '{FILE}');
            return row ? [parseFloat(row.querySelector('.progress').style.width), row.cells[4].textContent] : [null, null]; }})()""")
        width = seen[0]
        if seen[1] is not None:
            sizes.add(seen[1])
        if width is not None and (not widths or widths[-1] != width):
            widths.append(width)
            if len(widths) == 2:
                browser.screenshot("dashboard-tftp-progress.png")
        time.sleep(0.25)
    reader.join()
    print(f"   progress bar widths seen: {widths}")
    assert len(widths) >= 2 and widths == sorted(widths) and widths[0] < widths[-1], "the progress bar did not move"
    print("ok a transfer's progress bar moved")
    # The API's block_size/window_size reach the page: the slow reader asks for no options (RFC 1350).
    assert sizes == {"512/1"}, f"blksize/window column read {sizes}"
    print("ok the blksize/window column reads 512/1")

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
