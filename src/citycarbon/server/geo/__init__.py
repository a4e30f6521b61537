"""Jurisdictions: the city and its districts, counties, county-level cities and zones."""
