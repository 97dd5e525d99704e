#!/usr/bin/python3
# Verifies DKIM signatures with dkimpy (Debian's python3-dkim), the same
# DKIM.verify its dkimverify command runs, but with each public key record
# given on the command line instead of fetched from DNS.
#
#   dkimverify-local.py NAME RECORD [FILE]            one message (stdin without FILE)
#   dkimverify-local.py NAME RECORD FILE NAME RECORD FILE ...
#
# Prints "signature ok" or "signature verification failed" for each message
# (after "FILE: " when there are several) and exits 1 if any failed. One
# run checks many messages: starting Python with dkimpy takes seconds.
import sys
import dkim

args = sys.argv[1:]
if len(args) == 2:
    jobs = [(args[0], args[1], None)]
else:
    jobs = [tuple(args[i:i + 3]) for i in range(0, len(args), 3)]
ok = True
for name, record, path in jobs:
    def dnsfunc(qname, timeout=5, name=name.encode(), record=record.encode()):
        return record if qname.rstrip(b".") == name else None
    msg = sys.stdin.buffer.read() if path is None else open(path, "rb").read()
    try:
        good = dkim.DKIM(msg).verify(dnsfunc=dnsfunc)
    except dkim.DKIMException:  # a body hash mismatch is raised, not returned
        good = False
    ok = ok and good
    verdict = "signature ok" if good else "signature verification failed"
    print(verdict if len(jobs) == 1 else path + ": " + verdict)
sys.exit(0 if ok else 1)
