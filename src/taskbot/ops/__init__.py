"""Operating the bot: health and readiness, Prometheus metrics, structured logs, backups.

Nothing here is imported by the domain or the services; the bot process wires it in at start-up.
"""
