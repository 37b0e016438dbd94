"""Integration tests of how plan reads the live zone: which requests, how many."""
from harness import DMARC_CFG, check, ok


def test_requests_do_not_grow_with_unrelated_records(e):
    counts = []
    for extra in (0, 250):
        e.moto.reset()
        zid = e.zone("example.com")
        changes = [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": "host%03d.example.com." % i, "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": "192.0.2.%d" % (i % 250 + 1)}]}} for i in range(extra)]
        changes += [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": "zz%03d._dmarc.example.com." % i, "Type": "TXT", "TTL": 300,
            "ResourceRecords": [{"Value": '"x"'}]}} for i in range(extra // 10)]
        if changes:
            e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})
        p = e.proxy()
        e.config(DMARC_CFG.format(policy="none"))
        ok(e.run("plan", endpoint=p.url))
        counts.append(len(p.requests))
    check(counts[0] == counts[1], "requests: %d with an empty zone, %d with 275 more records" % tuple(counts))
