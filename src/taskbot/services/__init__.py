"""Services: plain functions over a session, shared by the bot and the command line.

They take ``now`` and an actor from the caller, return data (never wording), and raise typed errors.
"""
