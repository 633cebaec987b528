#!/usr/bin/env python3
"""tcp_cut.py - a TCP relay a test can cut: what a network partition between a client and
its server does. usage: tcp_cut.py LISTEN_PORT UPSTREAM_HOST:PORT. SIGUSR1 cuts: every open
connection is closed and new ones are closed as they come; SIGUSR2 relays again. TLS passes
through untouched (the client still checks the server's certificate)."""
import asyncio, signal, sys

port, (host, uport) = int(sys.argv[1]), sys.argv[2].rsplit(":", 1)
cut = False
open_conns = set()


async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data)
            await w.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        w.close()


async def handle(cr, cw):
    if cut:
        cw.close()
        return
    try:
        ur, uw = await asyncio.open_connection(host, int(uport))
    except OSError:
        cw.close()
        return
    pair = (cw, uw)
    open_conns.add(pair)
    try:
        await asyncio.gather(pipe(cr, uw), pipe(ur, cw))
    finally:
        open_conns.discard(pair)


def set_cut(on):
    global cut
    cut = on
    if on:
        # abort, not close: nothing more reaches either side, as when a link goes down
        for cw, uw in list(open_conns):
            for w in (cw, uw):
                if w.transport:
                    w.transport.abort()


async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, set_cut, True)
    loop.add_signal_handler(signal.SIGUSR2, set_cut, False)
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
