"""Enterprise monitoring, reporting and verification (MRV): the register of key emitting units
(legal entity, facilities, contacts, status over time, why it is covered), the screening that
proposes units crossing the coverage thresholds, verifier organisations (accreditation,
staff, performance, sanctions) and the compliance calendar. Monitoring plans, monthly ledgers,
annual reports and the verification workflow build on it."""
