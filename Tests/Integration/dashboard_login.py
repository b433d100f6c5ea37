#!/usr/bin/env python3
"""Logs in to a token-protected dashboard the way a person does, in headless Chromium (cdp.py).

usage: dashboard_login.py BASE_URL TOKEN OUT_DIR

Checks, each printed as `ok ...` or raising:
  1. `/` without the cookie is the login form, and a wrong token is refused on it;
  2. the right token logs in: the dashboard loads, the Devices table fills from the API;
  3. the live log streams through the session cookie (EventSource cannot send an Authorization header);
  4. the cookie is HttpOnly (page scripts cannot read it), and the login redirect leaves no token in the URL.
"""
import os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, tab, wait_for  # noqa: E402

BASE, TOKEN, OUT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]


def submit(browser, token):
    # The submit is deferred so that this evaluation returns before the page it runs in goes away; what
    # follows waits with wait_for, which outlasts the navigation.
    browser.js(f"""(() => {{ document.querySelector('input[name=token]').value = {token!r};
        setTimeout(() => document.querySelector('form').submit(), 0); }})()""")


browser = Browser(OUT)
try:
    browser.open(BASE + "/")
    wait_for("the login form", lambda: browser.js("!!document.querySelector('input[name=token]')"), 20)
    print("ok / without a cookie is the login form")
    submit(browser, "wrong-" + TOKEN)
    wait_for("'Wrong token.'", lambda: browser.js("document.body && document.body.textContent.includes('Wrong token.')"), 10)
    print("ok a wrong token is refused")
    submit(browser, TOKEN)
    rows = wait_for("the devices table", lambda: browser.js("document.querySelectorAll('#devices tr').length") or 0, 20)
    print(f"ok logged in: the Devices table has {rows - 1} rows")
    # The server answered the form's GET with a redirect to `/` and the cookie: no token in the URL.
    assert "token=" not in browser.js("location.href"), "the token is still in the URL: " + browser.js("location.href")
    browser.call("Page.reload")
    wait_for("the dashboard again, by cookie", lambda: (browser.js("document.querySelectorAll('#devices tr').length") or 0) > 0, 20)
    tab(browser, "Log")
    lines = wait_for("live log lines over the cookie", lambda: (browser.js("document.querySelectorAll('#log tr').length") or 1) - 1, 10)
    print(f"ok the live log streams on the session cookie ({lines} lines)")
    assert browser.js("document.cookie") == "", "the session cookie is visible to page scripts"
    print("ok the cookie is HttpOnly, and the token is not in the URL")
    browser.screenshot("dashboard-logged-in.png")
finally:
    browser.close()
