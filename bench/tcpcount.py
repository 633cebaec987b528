#!/usr/bin/env python3
"""tcpcount.py - a TCP relay that counts the bytes the upstream sends: what a client reads
off the wire (TLS and gzip included). usage: tcpcount.py LISTEN_PORT UPSTREAM_HOST:PORT
COUNT_FILE; the running total is rewritten to COUNT_FILE about ten times a second."""
import asyncio, sys

port, (host, uport), out = int(sys.argv[1]), sys.argv[2].rsplit(":", 1), sys.argv[3]
total = 0


async def pipe(r, w, count):
    global total
    try:
        while data := await r.read(65536):
            if count:
                total += len(data)
            w.write(data)
            await w.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        w.close()


async def handle(cr, cw):
    try:
        ur, uw = await asyncio.open_connection(host, int(uport))
    except OSError:
        cw.close()
        return
    await asyncio.gather(pipe(cr, uw, False), pipe(ur, cw, True))


async def report():
    while True:
        with open(out + ".tmp", "w") as f:
            f.write("%d\n" % total)
        import os
        os.replace(out + ".tmp", out)
        await asyncio.sleep(0.1)


async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", port)
    asyncio.ensure_future(report())
    async with srv:
        await srv.serve_forever()

asyncio.run(main())
