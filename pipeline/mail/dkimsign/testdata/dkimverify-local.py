#!/usr/bin/python3
# Verifies the DKIM signature of the message on stdin with dkimpy
# (Debian's python3-dkim), the same DKIM.verify that its dkimverify
# command runs, but with the public key record given as argv[2] for the
# name argv[1] instead of fetched from DNS. Prints "signature ok" or fails.
import sys
import dkim

name, record = sys.argv[1].encode(), sys.argv[2].encode()

def dnsfunc(qname, timeout=5):
    if qname.rstrip(b".") == name:
        return record
    return None

msg = sys.stdin.buffer.read()
d = dkim.DKIM(msg)
if not d.verify(dnsfunc=dnsfunc):
    print("signature verification failed")
    sys.exit(1)
print("signature ok")
