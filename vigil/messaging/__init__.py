"""One message to one recipient: channel transports, the outbox, exactly-once sends, opt-outs, and the
router of inbound messages. Apps above register their resolvers and handlers here (registry.py)."""

from vigil.messaging.registry import register_handler, register_resolver, register_status_listener

__all__ = ["register_handler", "register_resolver", "register_status_listener"]
