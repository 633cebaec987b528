#!/usr/bin/env python3
"""recording.py - bench helpers for a forgetop recording (sources/recorder.c's format).

keysize REC: the bytes of the last frame deflated alone (what a key frame costs).
day REC OUT: a 24-hour recording at 2 s made of REC's frames repeated, each deflated
against the one before it and a key frame every 120 s, as the recorder writes them."""
import sqlite3
import sys
import zlib


def frames(path):
    db = sqlite3.connect(path)
    out, last = [], {}
    for fid, src, base, z in db.execute("SELECT id, source, base, z FROM frames ORDER BY id"):
        d = zlib.decompressobj(zdict=last[src][-32768:]) if base is not None else zlib.decompressobj()
        js = d.decompress(z)
        last[src] = js
        out.append((src, js))
    return db, out


def keysize(path):
    _, fr = frames(path)
    print(len(zlib.compress(fr[-1][1], 6)))


def day(path, dest):
    db, fr = frames(path)
    t0 = db.execute("SELECT min(t) FROM frames").fetchone()[0]
    out = sqlite3.connect(dest)
    out.executescript("PRAGMA journal_mode=WAL;" + "".join(
        r[0] + ";" for r in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")))
    out.executemany("INSERT INTO sources VALUES (?, ?)", db.execute("SELECT * FROM sources"))
    body = fr[1:] or fr  # the first frame is the demo's backfill: once
    prev, prev_id, rows = None, None, []
    for k in range(43200):
        src, js = fr[0] if k == 0 else body[k % len(body)]
        t = t0 + 2 * k
        key = prev is None or int(t // 120) != int((t - 2) // 120)
        c = zlib.compressobj(6, zdict=prev[-32768:]) if not key else zlib.compressobj(6)
        z = c.compress(js) + c.flush()
        rows.append((k + 1, t, src, len(js), None if key else prev_id, z))
        prev, prev_id = js, k + 1
    out.executemany("INSERT INTO frames(id, t, source, n, base, z) VALUES (?,?,?,?,?,?)", rows)
    out.commit()
    out.execute("PRAGMA wal_checkpoint(TRUNCATE)")


if __name__ == "__main__":
    {"keysize": lambda: keysize(sys.argv[2]), "day": lambda: day(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
