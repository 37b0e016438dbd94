"""Fault injection for the transport tests: a loopback HTTP (or HTTPS)
server in front of moto that answers each request as a script says, and a
forward proxy (CONNECT and absolute-form requests) for the proxy tests.

Everything listens on 127.0.0.1 only, every thread is a daemon, sockets
time out after SOCKET_TIMEOUT seconds, and no injected delay may exceed
MAX_DELAY, so a test that goes wrong cannot hang the run.
"""
import http.server
import os
import select
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request

SOCKET_TIMEOUT = 15
MAX_DELAY = 5.0


def aws_error(status, code, message="injected by faults.py"):
    """An action answering with Route 53's XML error document."""
    body = ("""<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>
<Code>%s</Code><Message>%s</Message></Error><RequestId>faults-0</RequestId></ErrorResponse>"""
            % (code, message)).encode()
    return ("answer", status, body)


def plain(status, text):
    """An action answering with a body that is not XML (a load balancer's page)."""
    return ("answer", status, text.encode())


# The other actions: None forwards to moto; "reset" resets the connection
# once the request's head is read (before any body); ("late", s) forwards
# to moto, then waits s seconds before answering (the change lands, the
# answer comes too late); ("stall", s) waits s seconds, then forwards;
# ("hold", gate) forwards to moto, then holds the answer until the test
# releases the Gate (see there).


class Gate:
    """Holds one answer for ("hold", gate): .received is set once the
    request has reached moto (so a change has landed), and the answer
    waits until release() (at most SOCKET_TIMEOUT); with drop=True the
    connection is then closed without an answer (a lost answer)."""

    def __init__(self, drop=False):
        self.received = threading.Event()
        self.released = threading.Event()
        self.drop = drop

    def release(self):
        self.released.set()


def make_cert(folder, names=("route53.mailauth.test",)):
    """A self-signed certificate for 127.0.0.1 and names; returns (cert, key)."""
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    san = ",".join(["IP:127.0.0.1"] + ["DNS:" + n for n in names])
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=mailauth-test",
                    "-addext", "subjectAltName=" + san,
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True)
    return cert, key


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    tls = None
    accepts = 0

    def get_request(self):
        sock, addr = self.socket.accept()
        self.accepts += 1
        sock.settimeout(SOCKET_TIMEOUT)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass    # a client that went away (timeouts, TLS refusals) is expected


class Faults:
    """Forwards to upstream (moto), recording each request; script(method,
    path, n), n counting the requests that matched before, returns the
    action for each (see above).  With tls=(cert, key) it speaks HTTPS."""

    def __init__(self, upstream, script=None, tls=None):
        self.upstream = upstream
        self.script = script
        self.requests = []
        self.lock = threading.Lock()
        faults = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                if isinstance(self.request, ssl.SSLSocket):
                    self.request.do_handshake()
                super().setup()

            def handle_one(self):
                with faults.lock:
                    n = len(faults.requests)
                    faults.requests.append({"method": self.command, "path": self.path,
                                            "headers": dict(self.headers), "body": b"",
                                            "time": time.time()})
                    rec = faults.requests[-1]
                action = faults.script(self.command, self.path, n) if faults.script else None
                if action == "reset":
                    # A zero linger makes the close send RST, not FIN; the
                    # socket closes for real once the handler's files do.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec["body"] = body
                if isinstance(action, tuple) and action[0] == "answer":
                    self.reply(action[1], "text/xml", action[2])
                    return
                if isinstance(action, tuple) and action[0] == "stall":
                    time.sleep(min(action[1], MAX_DELAY))
                status, ctype, data = self.forward(body)
                if isinstance(action, tuple) and action[0] == "late":
                    time.sleep(min(action[1], MAX_DELAY))
                if isinstance(action, tuple) and action[0] == "hold":
                    action[1].received.set()
                    action[1].released.wait(SOCKET_TIMEOUT)
                    if action[1].drop:
                        self.close_connection = True
                        return
                try:
                    self.reply(status, ctype, data)
                except OSError:
                    pass    # the client gave up waiting, as it should

            def forward(self, body):
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                req = urllib.request.Request(faults.upstream + self.path, data=body if body else None,
                                             method=self.command, headers=headers)
                try:
                    resp = urllib.request.urlopen(req, timeout=SOCKET_TIMEOUT)
                    return resp.status, resp.headers.get("Content-Type", "text/xml"), resp.read()
                except urllib.error.HTTPError as e:
                    return e.code, e.headers.get("Content-Type", "text/xml"), e.read()

            def reply(self, status, ctype, data):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

        self.server = _Server(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.tls = ctx
            scheme = "https"
        self.port = self.server.server_address[1]
        self.url = "%s://127.0.0.1:%d" % (scheme, self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def accepts(self):
        return self.server.accepts

    def paths(self, method=None):
        return [q["path"] for q in self.requests if method is None or q["method"] == method]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ForwardProxy:
    """An HTTP proxy on loopback that sends whatever it is asked for to one
    place, whatever the host name says: CONNECT tunnels go to tunnel_to
    (host, port), absolute-form requests to forward_to (an http:// base
    URL).  Records what it was asked for in .seen ("CONNECT host:port" or
    "GET http://...")."""

    def __init__(self, tunnel_to=None, forward_to=None):
        self.seen = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                proxy.seen.append("CONNECT " + self.path)
                if proxy.tunnel_to is None:
                    self.send_error(502)
                    return
                upstream = socket.create_connection(proxy.tunnel_to, timeout=SOCKET_TIMEOUT)
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                pipe(self.connection, upstream)
                self.close_connection = True

            def handle_plain(self):
                proxy.seen.append("%s %s" % (self.command, self.path))
                if proxy.forward_to is None or not self.path.startswith("http://"):
                    self.send_error(502)
                    return
                path = "/" + self.path.split("/", 3)[3] if self.path.count("/") >= 3 else "/"
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "proxy-connection")}
                req = urllib.request.Request(proxy.forward_to + path, data=body, method=self.command,
                                             headers=headers)
                try:
                    resp = urllib.request.urlopen(req, timeout=SOCKET_TIMEOUT)
                    status, data = resp.status, resp.read()
                except urllib.error.HTTPError as e:
                    status, data = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = handle_plain

        self.tunnel_to = tunnel_to
        self.forward_to = forward_to
        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def pipe(a, b):
    """Copies bytes both ways between two sockets until either side closes."""
    socks = [a, b]
    deadline = time.time() + SOCKET_TIMEOUT
    try:
        while time.time() < deadline:
            ready, _, _ = select.select(socks, [], [], 1)
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        pass
    finally:
        b.close()
