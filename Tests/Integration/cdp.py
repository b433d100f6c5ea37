"""Headless Chromium driven through the DevTools protocol over --remote-debugging-pipe: no websocket
library, no node, Python's stdlib only. Used by dashboard_browser.py and dashboard_login.py."""
import base64, json, os, subprocess, tempfile, time

# What Chromium answers when the page navigates (a redirect, a form submit, a reload) while an evaluation
# runs or just before it starts: the document it ran in is gone, which says nothing about the new one.
NAVIGATION_ERRORS = ("Inspected target navigated or closed", "Execution context was destroyed",
                     "Cannot find context with specified id")


class Navigated(RuntimeError):
    """An evaluation lost to a navigation: worth asking again of the new page, not a failure."""


class Browser:
    """CDP over two pipes: Chromium reads commands on fd 3 and writes replies on fd 4, NUL-separated."""

    def __init__(self, out):
        self.out = out
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
        try:
            result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        except RuntimeError as e:
            if any(m in str(e) for m in NAVIGATION_ERRORS):
                raise Navigated(str(e)) from None
            raise
        if "exceptionDetails" in result:
            details = str(result["exceptionDetails"])
            raise (Navigated if any(m in details for m in NAVIGATION_ERRORS) else RuntimeError)(f"page error: {details}")
        return result["result"].get("value")

    def screenshot(self, name):
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path = os.path.join(self.out, name)
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
    """Polls `probe` until it returns something truthy. A probe cut short by a navigation (the login
    redirect, a reload) is asked again until the deadline: the page it waits for may be the next one."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = probe()
        except Navigated as e:
            last = f"navigated during the probe ({e})"
            time.sleep(0.05)
            continue
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what}: not seen in {timeout} s (last: {last})")


def tab(browser, name):
    """Clicks a dashboard tab by its label."""
    browser.js(f"[...document.querySelectorAll('nav button')].find(b => b.textContent === '{name}').click()")
