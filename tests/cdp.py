"""cdp.py - a small driver of headless Chromium over the DevTools
protocol, Python's standard library only: Chromium is started with
--remote-debugging-pipe, reads commands on its fd 3 and writes answers
and events on its fd 4, as JSON messages ended by a NUL byte.

    b = Browser()                    # Debian's chromium, a fresh profile
    p = b.page(1280, 900)            # a tab of that size
    p.goto("http://127.0.0.1:8080/")
    p.click("#go"); p.type_text("nato"); p.key("Enter")
    p.wait("document.querySelectorAll('.hit').length > 0")
    p.screenshot("shot.png")
    b.close()

Clicks, keys and drags are input events dispatched to the page as a
person's would be (Input.dispatchMouseEvent, dispatchKeyEvent), not
calls of the page's own functions."""
import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get("NX_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic", "--disable-extensions", "--disable-default-apps",
         "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe"]


class CdpError(Exception):
    pass


class Browser:
    def __init__(self, timeout=30.0):
        if not CHROMIUM:
            raise CdpError("no chromium")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="newsidx-chromium.")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # The child's fd 3 reads our commands, fd 4 writes answers.
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.log = open(os.path.join(self.profile, "stderr.log"), "wb")
        self.proc = subprocess.Popen([CHROMIUM] + FLAGS + ["--user-data-dir=" + self.profile, "about:blank"],
                                     preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []        # (sessionId, method, params) not yet taken

    # -- messages --

    def send(self, method, params=None, session=None, timeout=None):
        self.next_id += 1
        mid = self.next_id
        m = {"id": mid, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        data = json.dumps(m).encode() + b"\0"
        while data:
            n = os.write(self.to_chrome, data)
            data = data[n:]
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            msg = self._read(deadline)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CdpError("%s: %s" % (method, msg["error"].get("message")))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append((msg.get("sessionId"), msg["method"], msg.get("params", {})))

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("chromium did not answer in time")
            r, _, _ = select.select([self.from_chrome], [], [], left)
            if not r:
                continue
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise CdpError("chromium closed the pipe (exit %s)" % self.proc.poll())
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def pump(self, seconds):
        """Reads events for a while (nothing is sent)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                msg = self._read(deadline)
                if "method" in msg:
                    self.events.append((msg.get("sessionId"), msg["method"], msg.get("params", {})))
        except CdpError:
            pass

    def page(self, width, height, mobile=False):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session, width, height, mobile)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (CdpError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        for fd in (self.to_chrome, self.from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, True)


class Page:
    def __init__(self, browser, session, width, height, mobile):
        self.b = browser
        self.s = session
        self.width, self.height = width, height
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        if mobile:
            self.send("Emulation.setTouchEmulationEnabled", {"enabled": True})

    def send(self, method, params=None, timeout=None):
        return self.b.send(method, params, self.s, timeout)

    # -- what the page said --

    def take_events(self, method):
        mine = [e for e in self.b.events if e[0] == self.s and e[1] == method]
        self.b.events = [e for e in self.b.events if not (e[0] == self.s and e[1] == method)]
        return [e[2] for e in mine]

    def errors(self):
        """Uncaught exceptions and console errors since the last call."""
        out = []
        for p in self.take_events("Runtime.exceptionThrown"):
            d = p.get("exceptionDetails", {})
            out.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
        for p in self.take_events("Runtime.consoleAPICalled"):
            if p.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                  for a in p.get("args", [])))
        for p in self.take_events("Log.entryAdded"):
            e = p.get("entry", {})
            if e.get("level") == "error":
                out.append("log: %s %s" % (e.get("text"), e.get("url", "")))
        return out

    # -- driving --

    def goto(self, url, timeout=30):
        self.take_events("Page.loadEventFired")
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not self.take_events("Page.loadEventFired"):
            if time.monotonic() > deadline:
                raise CdpError("%s did not load" % url)
            self.b.pump(0.05)

    def eval(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CdpError("%s: %s" % (expr[:80], d.get("exception", {}).get("description", d.get("text"))))
        return r["result"].get("value")

    def wait(self, expr, timeout=15, what=None):
        """Polls a JavaScript expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            # An element comes back as {}, which Python takes for false.
            v = self.eval("(() => { const v = (%s); return v instanceof Node ? true : v; })()" % expr)
            if v:
                return v
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for " + (what or expr))
            self.b.pump(0.05)

    def center(self, selector):
        """The middle of the element's first box (a link over two lines
        has two, and the middle of both is in neither)."""
        r = self.eval("(() => { const e = document.querySelector(%s); if (!e) return null;"
                      " e.scrollIntoView({block: 'center'});"
                      " const r = e.getClientRects()[0] || e.getBoundingClientRect();"
                      " return [r.left + r.width / 2, r.top + r.height / 2, r.width, r.height]; })()"
                      % json.dumps(selector))
        if not r:
            raise AssertionError("no element " + selector)
        return r

    def mouse(self, kind, x, y, buttons=0, button="none"):
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": button,
                                               "buttons": buttons, "clickCount": 1,
                                               "pointerType": "mouse"})

    def click(self, selector):
        x, y, _, _ = self.center(selector)
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, 1, "left")
        self.mouse("mouseReleased", x, y, 0, "left")

    def drag(self, x1, y1, x2, y2, steps=8):
        self.mouse("mouseMoved", x1, y1)
        self.mouse("mousePressed", x1, y1, 1, "left")
        for i in range(1, steps + 1):
            self.mouse("mouseMoved", x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps, 1, "left")
        self.mouse("mouseReleased", x2, y2, 0, "left")

    KEYS = {"Enter": (13, "\r"), "Escape": (27, ""), "Tab": (9, ""), "/": (191, "/"),
            "ArrowRight": (39, ""), "ArrowLeft": (37, "")}

    def key(self, name):
        code, text = self.KEYS[name]
        down = {"type": "keyDown", "key": name, "code": "Slash" if name == "/" else name,
                "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code}
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": name, "windowsVirtualKeyCode": code,
                                             "nativeVirtualKeyCode": code})

    def type_text(self, text):
        self.send("Input.insertText", {"text": text})

    def screenshot(self, path, full=False):
        params = {"format": "png"}
        if full:
            size = self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 4000), "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def url(self):
        return self.eval("location.href")
