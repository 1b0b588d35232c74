"""A stand-in for a municipality's own website, on another origin than Kanskaart.

It serves one page with the widget's embed (one script tag, one element)
under a strict Content-Security-Policy, to show and test that the widget
works there. The directives are explained in docs/csp.md.

    python example_site/host_site/server.py --port 8001 --api http://127.0.0.1:8000

The browser tests import ``make_server`` and run it in a thread.
"""

import argparse
import html
import string
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent

# The widget's languages; any other ?lang= value gets Dutch.
LANGUAGES = ("nl", "en")

STATIC_FILES = {
    "/host.css": ("host.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}


def content_security_policy(api_origin: str) -> str:
    """Return the strictest policy under which the host page and the widget work.

    The widget needs its script (script-src) and its API (connect-src),
    both narrowed to a path on the Kanskaart origin. Its styles are
    constructable stylesheets, which style-src does not govern, so
    style-src only lists this page's own stylesheet.
    """
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {api_origin}/static/wagtail_kanskaart/",
            f"connect-src {api_origin}/api/kanskaart/",
            "style-src 'self'",
            "img-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            # The widget writes no HTML from strings, so it also works where
            # DOM sinks such as innerHTML only take Trusted Types.
            "require-trusted-types-for 'script'",
        ]
    )


def render_page(api_origin: str, language: str) -> bytes:
    template = string.Template((HERE / "index.html").read_text(encoding="utf-8"))
    page = template.substitute(
        lang=language,
        script_url=html.escape(
            f"{api_origin}/static/wagtail_kanskaart/kanskaart-form.js"
        ),
        form_url=html.escape(f"{api_origin}/roosendaal/kans/?wijk=kalsdonk"),
    )
    return page.encode("utf-8")


def make_handler(api_origin: str, csp: bool = True):
    """Return a request handler for a host page with the widget of ``api_origin``.

    ``csp=False`` serves the page without a policy, for tools such as axe-core
    that inject their own script.
    """
    policy = content_security_policy(api_origin)

    class HostPageHandler(BaseHTTPRequestHandler):
        server_version = "KanskaartHostSite"

        def do_GET(self):  # noqa: N802 (the name http.server dispatches to)
            url = urlsplit(self.path)
            if url.path == "/":
                language = parse_qs(url.query).get("lang", ["nl"])[0]
                if language not in LANGUAGES:
                    language = "nl"
                self.send(render_page(api_origin, language), "text/html; charset=utf-8")
            elif url.path in STATIC_FILES:
                name, content_type = STATIC_FILES[url.path]
                self.send((HERE / name).read_bytes(), content_type)
            else:
                self.send(
                    b"Not found\n", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND
                )

        def send(self, body, content_type, status=HTTPStatus.OK):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
            if csp:
                self.send_header("Content-Security-Policy", policy)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            if self.server.verbose:
                super().log_message(format, *args)

    return HostPageHandler


def make_server(host: str, port: int, api_origin: str, csp: bool = True, verbose=False):
    """Return a threading HTTP server for the host page; port 0 picks a free port."""
    server = ThreadingHTTPServer(
        (host, port), make_handler(api_origin.rstrip("/"), csp)
    )
    server.daemon_threads = True
    server.verbose = verbose
    return server


def start_in_thread(server) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever, name="host-site", daemon=True
    )
    thread.start()
    return thread


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on")
    parser.add_argument(
        "--api",
        default="http://127.0.0.1:8000",
        help="origin of the Kanskaart site that serves the widget and its API",
    )
    parser.add_argument(
        "--no-csp",
        action="store_true",
        help="serve the page without a Content-Security-Policy",
    )
    args = parser.parse_args()
    server = make_server(
        args.host, args.port, args.api, csp=not args.no_csp, verbose=True
    )
    print(
        f"The host page with the widget runs at http://{args.host}:{args.port}/",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
