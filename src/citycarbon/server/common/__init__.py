"""What every app shares: roles and permissions, the audit trail, the versioned lifecycle,
access tokens, login throttling, domain errors and the base pages."""
