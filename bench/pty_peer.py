"""A minimal modem on a pseudo-terminal, run as its own process so its CPU is not the client's.

Answers `AT` with OK and `AT+BULK=<n>` with `+BULK: DATA,<n>`, n bytes, OK: the smallest firmware
that lets the benchmarks measure the client side alone. Prints the slave path, then serves.
"""

import os
import sys
import tty


def main() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    print(os.ttyname(slave), flush=True)
    pattern = bytes(range(256)) * 256
    buffer = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            return
        if not data:
            return
        buffer += data
        while b"\r" in buffer:
            line, _, buffer = buffer.partition(b"\r")
            command = line.strip().decode("latin-1")
            if command.startswith("AT+BULK="):
                size = int(command[8:])
                os.write(master, f"\r\n+BULK: DATA,{size}\r\n".encode())
                sent = 0
                while sent < size:
                    chunk = pattern[: min(len(pattern), size - sent)]
                    sent += os.write(master, chunk)
                os.write(master, b"\r\nOK\r\n")
            elif command == "QUIT":
                return
            else:
                os.write(master, b"\r\nOK\r\n")


if __name__ == "__main__":
    sys.exit(main())
