"""One message to one recipient, or one broadcast to many: channel transports, the outbox,
exactly-once sends, opt-outs, and the router of inbound messages. Apps above register their resolvers,
programmes and handlers here (registry.py)."""

from vigil.messaging.registry import register_handler, register_programme, register_resolver

__all__ = ["register_handler", "register_programme", "register_resolver"]
