#!/usr/bin/env python3
"""recording.py - bench helpers for a forgetop recording (sources/recorder.c's format 2:
frames in raw deflate, each against its source's previous frame).

keysize REC: the bytes of the last frame deflated alone (what a key frame costs).
day REC OUT: a 24-hour recording at 2 s made of REC's polls repeated (each frame deflated
against the one before it, a key frame every 120 s, its poll times, and the status rows
written at that poll), as the recorder writes them."""
import sqlite3
import sys
import zlib


def frames(path):
    """[(source, json, t, ok, try, [(status t offset, status json)])] in recorded order."""
    db = sqlite3.connect(path)
    out, last = [], {}
    rows = db.execute("SELECT id, source, base, z, t, ok, try FROM frames ORDER BY id").fetchall()
    statuses = db.execute("SELECT t, source, json FROM statuses ORDER BY t").fetchall()
    for fid, src, base, z, t, ok, tr in rows:
        d = zlib.decompressobj(-15, zdict=last[src][-32768:]) if base is not None else zlib.decompressobj(-15)
        js = d.decompress(z)
        last[src] = js
        mine = [(st - t, sj) for st, ss, sj in statuses if ss == src and (not out or out[-1][2] < st) and st <= t]
        out.append((src, js, t, ok, tr, mine))
    return db, out


def keysize(path):
    _, fr = frames(path)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    print(len(c.compress(fr[-1][1]) + c.flush()))


def day(path, dest):
    db, fr = frames(path)
    t0 = db.execute("SELECT min(t) FROM frames").fetchone()[0]
    out = sqlite3.connect(dest)
    out.executescript("PRAGMA journal_mode=WAL;" + "".join(
        r[0] + ";" for r in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")))
    out.executemany("INSERT INTO sources VALUES (?, ?)", db.execute("SELECT * FROM sources"))
    out.executemany("INSERT INTO meta VALUES (?, ?)", db.execute("SELECT * FROM meta"))
    body = fr[1:] or fr  # the first frame is the demo's backfill: once
    prev, prev_id, rows, srows = None, None, [], []
    for k in range(43200):
        src, js, t_was, ok, tr, sts = fr[0] if k == 0 else body[k % len(body)]
        t = t0 + 2 * k
        key = prev is None or int(t // 120) != int((t - 2) // 120)
        c = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=prev[-32768:]) if not key else zlib.compressobj(9, zlib.DEFLATED, -15)
        z = c.compress(js) + c.flush()
        shift = t - t_was
        rows.append((k + 1, t, src, len(js), None if key else prev_id, z,
                     None if ok is None else ok + shift, None if tr is None else tr + shift))
        srows += [(t + off, src, sj) for off, sj in sts]
        prev, prev_id = js, k + 1
    out.executemany("INSERT INTO frames(id, t, source, n, base, z, ok, try) VALUES (?,?,?,?,?,?,?,?)", rows)
    out.executemany("INSERT INTO statuses(t, source, json) VALUES (?,?,?)", srows)
    out.commit()
    out.execute("PRAGMA wal_checkpoint(TRUNCATE)")


if __name__ == "__main__":
    {"keysize": lambda: keysize(sys.argv[2]), "day": lambda: day(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
