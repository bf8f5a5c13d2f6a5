from django.apps import AppConfig

# Alerts' place in messaging's inbound router: after apps with open conversations (committee replies,
# case opt-ins), since alerts claims a message only by keyword or a subscription in progress.
INBOUND_ORDER = 100


class AlertsConfig(AppConfig):
    name = "vigil.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        """Register with messaging: the recipient resolvers, the alert programme that renders a
        broadcast's messages, and the keyword handler and STOP."""
        from vigil import messaging
        from vigil.alerts import actions, keywords, programme

        messaging.register_resolver("alerts.subscriber", keywords.resolve_subscriber)
        messaging.register_resolver(
            actions.ACTIVE_SUBSCRIBER, programme.active_address, many=programme.active_addresses
        )
        messaging.register_resolver(actions.CONFIRMATION, programme.confirmation_address)
        messaging.register_programme(actions.PROGRAMME, programme.AlertProgramme)
        messaging.register_handler(
            "alerts.keywords",
            keywords.inbound_handler,
            order=INBOUND_ORDER,
            stop=keywords.stop_programmes,
            stop_words=keywords.stop_words,
        )

        # Every alert shows on its incident's timeline (incidents cannot import alerts: it sits below).
        from vigil.alerts.timeline import alert_items
        from vigil.incidents.timeline import register

        register(alert_items)
