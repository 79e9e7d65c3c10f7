"""Qt widgets and item models. They call services; no peewee here."""
