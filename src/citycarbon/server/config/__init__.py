"""The project configuration: settings, URLs, the WSGI application and the API."""
