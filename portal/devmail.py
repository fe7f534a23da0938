"""A local SMTP server (aiosmtpd) for development and tests: nothing leaves the machine."""
from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class MaildirHandler:
    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.messages: list = []
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.folder:
            name = f"{time.time_ns()}.eml"
            (self.folder / name).write_bytes(envelope.content)
            print(f"mail to {message['To']}: {message['Subject']} (instance/mail/{name})", flush=True)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int = 0, folder: Path | None = None) -> tuple[Controller, MaildirHandler]:
    """Start a server in a thread; port 0 picks a free one (aiosmtpd cannot bind 0 itself)."""
    handler = MaildirHandler(folder)
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def serve(port: int, instance_path: str) -> None:
    controller, _handler = start(port, Path(instance_path) / "mail")
    print(f"development SMTP server on 127.0.0.1:{controller.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()
