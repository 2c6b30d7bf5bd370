"""report.html in headless Chromium, driven over the DevTools protocol on a
pipe (--remote-debugging-pipe: no port, no network): at a phone's width
(390 CSS px, mobile emulation, so the viewport meta counts) the page must not
scroll sideways; printed with the page's own @page size it must be A4
(595 x 842 pt) on a sensible number of pages.

Usage: python3 report_browser.py REPORT_HTML OUT_DIR [MAX_PAGES]
Prints "ok - ..." / "not ok - ..." lines; writes OUT_DIR/report-390.png and
OUT_DIR/report-a4.pdf.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
    return ok


class Browser:
    """Chromium on fds 3 (our commands) and 4 (its answers), NUL-framed JSON."""

    def __init__(self, exe):
        self.prof = tempfile.mkdtemp(prefix="planner-chromium-")
        r_cmd, w_cmd = os.pipe()
        r_ans, w_ans = os.pipe()
        # the child's fd 3 reads commands, fd 4 writes answers
        def child():  # via fds above 4 first, so neither lands on the other
            a, b = os.dup2(r_cmd, 100), os.dup2(w_ans, 101)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--remote-debugging-pipe", "--user-data-dir=" + self.prof,
             "about:blank"],
            close_fds=False, preexec_fn=child, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(r_cmd)
        os.close(w_ans)
        self.w = os.fdopen(w_cmd, "wb")
        self.r = os.fdopen(r_ans, "rb")
        self.buf = b""
        self.n = 0

    def _read(self):
        while b"\0" not in self.buf:
            chunk = self.r.read1(1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        self.w.flush()
        while True:
            m = self._read()
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m["result"]

    def wait_event(self, name, session):
        while True:
            m = self._read()
            if m.get("method") == name and m.get("sessionId") == session:
                return m

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.prof, ignore_errors=True)


def main(report, out_dir, max_pages):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    b = Browser(exe)
    try:
        tid = b.call("Target.createTarget", url="about:blank")["targetId"]
        sid = b.call("Target.attachToTarget", targetId=tid, flatten=True)["sessionId"]
        b.call("Page.enable", session=sid)
        # a phone: 390 x 844 CSS px, DPR 3, mobile (the viewport meta applies)
        b.call("Emulation.setDeviceMetricsOverride", session=sid, width=390, height=844,
               deviceScaleFactor=3, mobile=True)
        b.call("Page.navigate", session=sid, url="file://" + os.path.abspath(report))
        b.wait_event("Page.loadEventFired", sid)
        js = ("JSON.stringify({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,"
              " iw: window.innerWidth, vp: !!document.querySelector('meta[name=viewport]'),"
              " wide: [...document.querySelectorAll('body *')].filter(e => e.closest('.tw') === null && (e.tagName === 'svg' || !e.closest('svg')) &&"
              " e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + ':' + e.textContent.slice(0, 30))})")
        m = json.loads(b.call("Runtime.evaluate", session=sid, expression=js)["result"]["value"])
        check(m["vp"], "chromium: report.html has a viewport meta")
        check(m["iw"] == 390 and m["sw"] <= m["cw"],
              "chromium: at 390 px the page does not scroll sideways (scrollWidth %d, width %d, viewport %d)"
              % (m["sw"], m["cw"], m["iw"]))
        check(not m["wide"], "chromium: at 390 px no element outside a table box reaches past the screen (%s)"
              % m["wide"])
        shot = b.call("Page.captureScreenshot", session=sid, format="png")["data"]
        with open(os.path.join(out_dir, "report-390.png"), "wb") as f:
            f.write(base64.b64decode(shot))
        # printed: A4 less the page's 10 mm margins is 190 mm = 718 CSS px
        # wide; every table fits it (a wider one would be cut on paper)
        b.call("Emulation.setEmulatedMedia", session=sid, media="print")
        b.call("Emulation.setDeviceMetricsOverride", session=sid, width=718, height=1047,
               deviceScaleFactor=1, mobile=False)
        js = ("JSON.stringify([...document.querySelectorAll('table')].filter(t => "
              "t.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1)"
              ".map(t => (t.closest('.tw') || t).previousElementSibling?.textContent || '?'))")
        cut = json.loads(b.call("Runtime.evaluate", session=sid, expression=js)["result"]["value"])
        check(not cut, "chromium: printed, every table fits the A4 page's 190 mm (%s)" % cut)
        b.call("Emulation.clearDeviceMetricsOverride", session=sid)
        b.call("Emulation.setEmulatedMedia", session=sid, media="")
        pdf = base64.b64decode(b.call("Page.printToPDF", session=sid, preferCSSPageSize=True,
                                      printBackground=True, displayHeaderFooter=False)["data"])
        with open(os.path.join(out_dir, "report-a4.pdf"), "wb") as f:
            f.write(pdf)
    finally:
        b.close()
    boxes = set(tuple(round(float(v)) for v in mb.split())
                for mb in re.findall(rb"/MediaBox\s*\[\s*([-0-9. ]+?)\s*\]", pdf))
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    check(boxes == {(0, 0, 595, 842)}, "chromium: printed on A4, 595 x 842 pt (%s)" % sorted(boxes))
    check(1 <= pages <= max_pages, "chromium: printed on %d A4 pages (at most %d)" % (pages, max_pages))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10)
