"""Django's PostgreSQL backend for the embedded server: it makes sure the server runs before connecting."""
