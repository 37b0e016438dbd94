"""The strict peer: a loopback HTTP server in front of moto that refuses
what Route 53 refuses and moto lets through, so that every integration test
(and the bench) talks to a Route 53 that is as strict as the real one.

moto is lenient: it deletes a record set whatever values a DELETE names,
creates a TXT string of any length, puts a CNAME beside other types, and
answers ListHostedZonesByName with the zones of the exact name only.
Before forwarding a ChangeResourceRecordSets, the peer reads the zone's
live record sets from moto and checks the batch against them, each change
against the state the earlier changes of the batch leave, as Route 53
does; on the first refusal it answers 400 InvalidChangeBatch with Route
53's message and forwards nothing.  ListHostedZonesByName it answers
itself from moto's full list of zones, in Route 53's order and pages.
Everything else goes to moto unchanged.
"""
import http.client
import http.server
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
ET.register_namespace("", NS)
TIMEOUT = 30
ZONES_PAGE = 100        # ListHostedZonesByName's default and largest MaxItems
TXT_STRING_MAX = 255
HOP_HEADERS = ("content-length", "transfer-encoding", "connection", "keep-alive", "date", "server")

XML = [("Content-Type", "text/xml")]
# moto tells services and accounts apart by the credential in the
# Authorization header, whose signature it does not check: the peer reads
# with the caller's, or with this one when the caller sent none.
MOTO_AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/route53/aws4_request, "
             "SignedHeaders=host, Signature=0")

# The fields that, beside name, type, SetIdentifier, TTL and values, make a
# record set what it is; a DELETE must name each as the live set holds it.
ROUTING = ("Weight", "Region", "Failover", "GeoLocation", "GeoProximityLocation", "MultiValueAnswer",
           "HealthCheckId", "CidrRoutingConfig", "AliasTarget", "TrafficPolicyInstanceId")


def _tag(el):
    return el.tag.rsplit("}", 1)[-1]


def _child(el, name):
    for c in el:
        if _tag(c) == name:
            return c
    return None


def _text(el, name):
    c = _child(el, name)
    return None if c is None or c.text is None else c.text.strip()


def dns_name(name):
    """A name as Route 53 compares it: its octal escapes decoded ("\\052"
    is "*"), lower case, one trailing dot."""
    name = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), name.strip()).lower()
    return name if name.endswith(".") else name + "."


def _flat(el, path=""):
    """An element's leaves as a sorted tuple of (path, text), names and
    booleans in lower case: what two spellings of one field share."""
    out = []
    for c in el:
        p = path + "/" + _tag(c)
        if len(c):
            out.extend(_flat(c, p))
        else:
            t = (c.text or "").strip()
            if _tag(c) == "DNSName":
                t = dns_name(t)
            elif t.lower() in ("true", "false"):
                t = t.lower()
            out.append((p, t))
    return tuple(sorted(out))


class RRSet:
    """One record set from a ResourceRecordSet element (a request's or a
    listing's): its key (name, type, SetIdentifier) and everything a DELETE
    must match."""

    def __init__(self, el):
        self.name = dns_name(_text(el, "Name") or "")
        self.type = (_text(el, "Type") or "").upper()
        self.set_id = _text(el, "SetIdentifier")
        ttl = _text(el, "TTL")
        self.ttl = int(ttl) if ttl is not None else None
        rrs = _child(el, "ResourceRecords")
        self.values = [] if rrs is None else [(_text(r, "Value") or "") for r in rrs]
        self.routing = tuple((f, _flat(_child(el, f))) if len(_child(el, f)) else (f, (_text(el, f) or "").lower())
                             for f in ROUTING if _child(el, f) is not None)

    @property
    def key(self):
        return (self.name, self.type, self.set_id)

    def same(self, other):
        return (self.ttl == other.ttl and set(self.values) == set(other.values)
                and self.routing == other.routing)

    def label(self):
        """How Route 53 names a set in its messages."""
        s = "[name='%s', type='%s'" % (self.name, self.type)
        if self.set_id is not None:
            s += ", set-identifier='%s'" % self.set_id
        return s + "]"


def txt_strings(value):
    """The character-strings of a TXT value in zone-file form, each as its
    length in bytes: quoted strings with \\X and \\DDD escapes, or one
    unquoted word each."""
    out, i, n = [], 0, len(value)
    while i < n:
        if value[i].isspace():
            i += 1
            continue
        quoted = value[i] == '"'
        i += quoted
        size = 0
        while i < n and (value[i] != '"' if quoted else not value[i].isspace()):
            if value[i] == "\\" and value[i + 1:i + 4].isdigit() and len(value[i + 1:i + 4]) == 3:
                size, i = size + 1, i + 4
            elif value[i] == "\\" and i + 1 < n:
                size, i = size + len(value[i + 1].encode()), i + 2
            else:
                size, i = size + len(value[i].encode()), i + 1
        i += quoted
        out.append(size)
    return out


class Refused(Exception):
    """A change batch Route 53 would refuse; the message is Route 53's."""


def check_batch(zone_name, live, changes):
    """Checks changes, a list of (action, RRSet) in order, against live, a
    dict key -> RRSet, as Route 53 does; raises Refused on the first error.
    live is left as the batch would leave it."""
    for action, rs in changes:
        if rs.type in ("TXT", "SPF"):
            for v in rs.values:
                if any(size > TXT_STRING_MAX for size in txt_strings(v)):
                    raise Refused("Invalid Resource Record: 'FATAL problem: TXTRDATATooLong (Value is too long) "
                                  "encountered with '%s''" % v)
        have = live.get(rs.key)
        if action == "DELETE":
            if have is None:
                raise Refused("Tried to delete resource record set %s but it was not found" % rs.label())
            if not have.same(rs):
                raise Refused("Tried to delete resource record set %s but the values provided do not match "
                              "the current values" % rs.label())
            del live[rs.key]
            continue
        if action == "CREATE" and have is not None:
            raise Refused("Tried to create resource record set %s but it already exists" % rs.label())
        others = {t for (n, t, _) in live if n == rs.name and t != rs.type}
        if rs.type == "CNAME" and others:
            raise Refused("RRSet of type CNAME with DNS name %s is not permitted as it conflicts with other "
                          "records with the same DNS name in zone %s" % (rs.name, zone_name))
        if "CNAME" in others:
            raise Refused("RRSet of type %s with DNS name %s is not permitted because a conflicting RRSet of "
                          "type CNAME with the same DNS name already exists in zone %s"
                          % (rs.type, rs.name, zone_name))
        live[rs.key] = rs


def parse_changes(body):
    """The (action, RRSet) list of a ChangeResourceRecordSetsRequest."""
    root = ET.fromstring(body)
    batch = _child(root, "ChangeBatch")
    changes = _child(batch, "Changes") if batch is not None else None
    out = []
    for ch in changes if changes is not None else ():
        rrs = _child(ch, "ResourceRecordSet")
        if rrs is not None:
            out.append(((_text(ch, "Action") or "").upper(), RRSet(rrs)))
    return out


def zone_key(name):
    """Route 53's order of zone names: the labels reversed, a dot after
    each ("com.example.www."), in ASCII order."""
    labels = dns_name(name)[:-1].split(".")
    return "".join(label + "." for label in reversed(labels))


def error_body(code, message):
    return ("""<?xml version="1.0"?>
<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>\
<RequestId>strict-peer</RequestId></ErrorResponse>""" % (NS, code, escape(message))).encode()


class StrictPeer:
    """Serves on a free loopback port (.url) in front of moto (upstream)."""

    def __init__(self, upstream):
        self.upstream = upstream
        upstream_url = urllib.parse.urlsplit(upstream)
        self.host, self.port = upstream_url.hostname, upstream_url.port
        self.lock = threading.Lock()    # one change batch at a time: check, then forward
        peer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one(self):
                body = self.body()
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "transfer-encoding", "connection")}
                try:
                    status, rheaders, data = peer.answer(self.command, self.path, headers, body)
                except Exception as e:  # noqa: BLE001 - a peer bug must show, not drop the connection
                    status, rheaders = 500, XML
                    data = error_body("StrictPeerBug", "%s: %s" % (type(e).__name__, e))
                self.send_response(status)
                for k, v in rheaders:
                    if k.lower() not in HOP_HEADERS:
                        self.send_header(k, v)
                if self.command == "HEAD":     # the length of what GET would send
                    length = [v for k, v in rheaders if k.lower() == "content-length"]
                    self.send_header("Content-Length", length[0] if length else "0")
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def body(self):
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return out
                        out += self.rfile.read(size)
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_one

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- talking to moto ---

    def forward(self, method, path, headers, body):
        """moto's answer, with http.client: urllib would add a form
        Content-Type to a body without one, and moto would read a Route 53
        request as a query-protocol one."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body if body or method in ("POST", "PUT") else None,
                         headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def get(self, path, auth):
        """moto's answer to GET path, parsed; None when it is an error.
        auth: the caller's Authorization (and session token) headers, by
        which moto tells the caller's account."""
        status, _, data = self.forward("GET", path, auth or {"Authorization": MOTO_AUTH}, b"")
        return ET.fromstring(data) if status == 200 else None

    def live_sets(self, zone_id, auth):
        """Every record set of the zone, by key."""
        out, query = {}, {"maxitems": "100000"}
        while True:
            root = self.get("/2013-04-01/hostedzone/%s/rrset?%s" % (zone_id, urllib.parse.urlencode(query)), auth)
            if root is None:
                return None
            for el in _child(root, "ResourceRecordSets"):
                rs = RRSet(el)
                out[rs.key] = rs
            if (_text(root, "IsTruncated") or "false").lower() != "true":
                return out
            query = {"maxitems": "100000", "name": _text(root, "NextRecordName"),
                     "type": _text(root, "NextRecordType")}

    def zones(self, auth):
        """Every hosted zone of the account as (key, id, element)."""
        out, marker = [], None
        while True:
            root = self.get("/2013-04-01/hostedzone?maxitems=100" + ("&marker=" + marker if marker else ""), auth)
            if root is None:
                raise RuntimeError("moto did not list the hosted zones")
            for el in _child(root, "HostedZones"):
                zid = (_text(el, "Id") or "").split("/")[-1]
                out.append((zone_key(_text(el, "Name") or ""), zid, el))
            marker = _text(root, "NextMarker")
            if (_text(root, "IsTruncated") or "false").lower() != "true" or not marker:
                return sorted(out, key=lambda z: (z[0], z[1]))

    # --- answering ---

    def answer(self, method, path, headers, body):
        parts = urllib.parse.urlsplit(path)
        segs = parts.path.strip("/").split("/")
        auth = {k: v for k, v in headers.items() if k.lower() in ("authorization", "x-amz-security-token")}
        if segs[0] != "2013-04-01":
            return self.forward(method, path, headers, body)
        if method == "GET" and segs[-1] == "hostedzonesbyname":
            return self.zones_by_name(urllib.parse.parse_qs(parts.query), auth)
        if method == "POST" and len(segs) == 4 and segs[1] == "hostedzone" and segs[3] == "rrset":
            with self.lock:
                refused = self.refusal(segs[2], body, auth)
                if refused is not None:
                    return 400, XML, error_body("InvalidChangeBatch", "[%s]" % refused)
                return self.forward(method, path, headers, body)
        return self.forward(method, path, headers, body)

    def refusal(self, zone_id, body, auth):
        """Route 53's message refusing the batch, or None to forward it
        (moto answers what the peer cannot judge: a bad body or zone)."""
        zone = self.get("/2013-04-01/hostedzone/" + zone_id, auth)
        live = self.live_sets(zone_id, auth)
        if zone is None or live is None:
            return None
        try:
            changes = parse_changes(body)
        except ET.ParseError:
            return None
        try:
            check_batch(dns_name(_text(_child(zone, "HostedZone"), "Name") or ""), live, changes)
        except Refused as e:
            return str(e)
        return None

    def zones_by_name(self, query, auth):
        dnsname = (query.get("dnsname") or [None])[0]
        zone_id = (query.get("hostedzoneid") or [None])[0]
        try:
            maxitems = int((query.get("maxitems") or [ZONES_PAGE])[0])
        except ValueError:
            maxitems = 0
        if zone_id is not None and dnsname is None:
            return 400, XML, error_body("InvalidInput",
                                        "HostedZoneId may only be given with DNSName")
        if not 1 <= maxitems <= ZONES_PAGE:
            return 400, XML, error_body("InvalidInput", "MaxItems must be between 1 and %d" % ZONES_PAGE)
        zones = self.zones(auth)
        if dnsname is not None:
            start = (zone_key(dnsname), zone_id or "")
            zones = [z for z in zones if (z[0], z[1]) >= start]
        page, rest = zones[:maxitems], zones[maxitems:]
        root = ET.Element("{%s}ListHostedZonesByNameResponse" % NS)
        hz = ET.SubElement(root, "{%s}HostedZones" % NS)
        for _, _, el in page:
            hz.append(el)
        if dnsname is not None:
            ET.SubElement(root, "{%s}DNSName" % NS).text = dnsname
        if zone_id is not None:
            ET.SubElement(root, "{%s}HostedZoneId" % NS).text = zone_id
        ET.SubElement(root, "{%s}IsTruncated" % NS).text = "true" if rest else "false"
        if rest:
            ET.SubElement(root, "{%s}NextDNSName" % NS).text = _text(rest[0][2], "Name")
            ET.SubElement(root, "{%s}NextHostedZoneId" % NS).text = rest[0][1]
        ET.SubElement(root, "{%s}MaxItems" % NS).text = str(maxitems)
        return 200, XML, b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)
