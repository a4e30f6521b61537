"""citycarbon.server: the Django project (persists, authorises, presents).

Never imported by the kernel."""
