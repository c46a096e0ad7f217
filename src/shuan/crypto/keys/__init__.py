"""Key hierarchy: root key -> per-department key-encryption keys -> per-dataset data keys."""
