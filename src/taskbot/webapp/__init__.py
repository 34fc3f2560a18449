"""The 看板 Mini App: a Telegram Web App served by the bot's own HTTP server (``web.*`` settings).

- ``initdata``: the verification of Telegram's ``initData`` (pure);
- ``board``: what a viewer may see and the figures of each page (store reads, no wording);
- ``server``: the tornado handlers (static assets and the JSON API) mounted on ``ops.web.OpsServer``.
"""
